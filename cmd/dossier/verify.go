package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/blob/s3"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/evidence"
	"github.com/dossier/dossier/internal/sqlstore"
)

// newVault builds the evidence vault from the configuration; serve and
// verify share it so both see the same limits and retention.
func newVault(cfg *Config, store dossier.Store, blobs blob.Store, log *slog.Logger) *evidence.Vault {
	return &evidence.Vault{Store: store, Blobs: blobs, Now: time.Now, Retention: cfg.Retention,
		MaxUpload: cfg.MaxUpload, Log: log, Location: cfg.TimeZone}
}

// runVerify re-reads every stored evidence blob and checks it against its
// recorded sha256. Exit 0: everything intact. Exit 1: at least one version
// is missing or changed (each is listed on stdout), no store exists where
// the settings point, or the check failed (the blob store failing midway
// stops it: "INCOMPLETE" on stdout, never "ok").
// Where the blob store locks blobs (an S3 bucket with object locking), it
// then compares each blob's lock with its records (verifyLocks): a lock
// weaker than the records ask also exits 1. With --fix-locks it applies the
// records' locks. With --sweep it then removes blobs no record refers to.
func runVerify(ctx context.Context, cfg *Config, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dossier verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fixLocks := fs.Bool("fix-locks", false, "set the storage lock of every blob whose lock disagrees with its records to what they say")
	sweep := fs.Bool("sweep", false, "after verifying, remove blobs that no record refers to")
	age := fs.Duration("sweep-age", 24*time.Hour, "only sweep orphans older than this (uploads in progress are younger)")
	dry := fs.Bool("dry-run", false, "with --sweep: list orphans without removing them")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: dossier verify [--fix-locks] [--sweep [--sweep-age 24h] [--dry-run]]")
		return 2
	}
	if *age < 0 {
		fmt.Fprintln(stderr, "dossier verify: --sweep-age must not be negative (0 sweeps every orphan, safe only while serve is stopped)")
		return 2
	}
	store, err := openExistingStore(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "dossier verify:", err)
		return 1
	}
	defer store.Close()
	blobs, err := openExistingBlobs(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "dossier verify: blob store:", err)
		return 1
	}
	v := newVault(cfg, store, blobs, nil)
	start := time.Now()
	r, err := v.VerifyEvery(ctx, func(done, total int, sha string, err error) {
		fmt.Fprintf(stderr, "\rverified %d/%d blobs", done, total)
		if err != nil {
			fmt.Fprintf(stderr, "\n%s: %v\n", sha, err)
		}
	})
	fmt.Fprintln(stderr)
	for _, m := range r.Bad {
		fmt.Fprintln(stdout, "MISMATCH", m)
	}
	if err != nil {
		// Stopped before the end (the blob store failing midway): what was
		// found so far is listed above, and nothing is reported intact.
		fmt.Fprintf(stdout, "INCOMPLETE: verification stopped after %d blobs (%d version(s) found missing or changed): %v\n",
			r.Blobs, len(r.Bad), err)
		fmt.Fprintln(stderr, "dossier verify:", err)
		return 1
	}
	// The counts show what was checked: "0 evidence items" on a store that
	// should hold some means the wrong store.
	checked := fmt.Sprintf("%d version(s) of %d evidence items", r.Versions, r.Items)
	code := 0
	if len(r.Bad) > 0 {
		fmt.Fprintf(stdout, "FAILED: %d version(s) missing or changed among %d blobs (%s checked)\n", len(r.Bad), r.Blobs, checked)
		code = 1
	} else {
		fmt.Fprintf(stdout, "ok: %d blobs intact (%s checked, %s)\n", r.Blobs, checked, time.Since(start).Round(time.Millisecond))
	}
	if verifyLocks(ctx, v, *fixLocks, stdout, stderr) != 0 {
		code = 1
	}
	if !*sweep {
		return code
	}
	others := func(ctx context.Context, mark func(string)) error { return markSQLBlobs(ctx, store.SQL(), mark) }
	res, err := v.Sweep(ctx, evidence.SweepOptions{MinAge: *age, DryRun: *dry,
		Referenced: []func(context.Context, func(string)) error{others}})
	if err != nil {
		fmt.Fprintln(stderr, "dossier verify --sweep:", err)
		return 1
	}
	verb := "removed"
	if *dry {
		verb = "would remove"
	}
	for _, s := range res.Removed {
		fmt.Fprintln(stdout, verb, "orphan blob", s)
	}
	fmt.Fprintf(stdout, "sweep: %s %d orphan blob(s); kept %d younger than %s, %d of unknown age, %d locked; %d temp file(s) removed\n",
		verb, len(res.Removed), res.Young, *age, res.AgeUnknown, res.Locked, res.TempRemoved)
	return code
}

// verifyLocks compares the storage lock of every evidence blob with what
// its records ask and lists each disagreement on stdout: "LOCK MISMATCH"
// where the storage would let bytes be deleted that a record keeps (exit
// 1), "STALE LOCK" where it holds bytes no record holds (only listed: the
// bytes are safer, but purging them will be refused). With fix, each is
// set to the records' state and listed as "FIXED"; only a lock still short
// afterwards exits 1. A store that does not lock is not checked.
func verifyLocks(ctx context.Context, v *evidence.Vault, fix bool, stdout, stderr io.Writer) int {
	progress := false
	r, err := v.CheckLocks(ctx, evidence.LockOptions{Fix: fix, Progress: func(done, total int) {
		progress = true
		fmt.Fprintf(stderr, "\rchecked the locks of %d/%d blobs", done, total)
	}})
	if progress {
		fmt.Fprintln(stderr)
	}
	if errors.Is(err, blob.ErrNoLocking) {
		fmt.Fprintln(stdout, "locks: not checked: the blob store does not lock blobs (disk, or a bucket without object locking)")
		return 0
	}
	short, fixedShort := printLockFindings(stdout, "LOCK MISMATCH", "FIXED LOCK", r.Short)
	stale, fixedStale := printLockFindings(stdout, "STALE LOCK", "FIXED STALE LOCK", r.Stale)
	fixed := fixedShort + fixedStale
	if err != nil {
		fmt.Fprintf(stdout, "INCOMPLETE: lock check stopped after %d blobs (%d lock(s) found short): %v\n", r.Blobs, short, err)
		fmt.Fprintln(stderr, "dossier verify: locks:", err)
		return 1
	}
	var notes []string
	if fixed > 0 {
		notes = append(notes, fmt.Sprintf("%d fixed", fixed))
	}
	if stale > 0 {
		notes = append(notes, fmt.Sprintf("%d stale lock(s) that no record asks for, which will refuse a purge (--fix-locks lifts them)", stale))
	}
	tail := ""
	if len(notes) > 0 {
		tail = "; " + strings.Join(notes, "; ")
	}
	if short > 0 {
		fmt.Fprintf(stdout, "locks: FAILED: %d of %d blobs less locked than their records ask, so the storage would let them be deleted "+
			"(--fix-locks applies the records' locks)%s\n", short, r.Blobs, tail)
		return 1
	}
	fmt.Fprintf(stdout, "locks: ok: %d blobs locked as their records ask%s\n", r.Blobs, tail)
	return 0
}

// printLockFindings lists one kind of lock finding, each either fixed
// (fixedLabel) or still open (label), and counts both.
func printLockFindings(stdout io.Writer, label, fixedLabel string, fs []evidence.LockFinding) (open, fixed int) {
	for _, f := range fs {
		switch {
		case f.Fixed:
			fixed++
			fmt.Fprintf(stdout, "%s sha256 %s: %s (was: %s); used by %s\n", fixedLabel, f.SHA256, f.Changed, f.Problem, f.UsedBy())
		case f.FixErr != "":
			open++
			fmt.Fprintf(stdout, "%s %s (not fixed: %s)\n", label, f, f.FixErr)
		default:
			open++
			fmt.Fprintln(stdout, label, f)
		}
	}
	return open, fixed
}

// openExistingStore opens the metadata store for inspection: a location
// that holds no store yet is an error naming the setting, never a new,
// empty store that would verify as intact.
func openExistingStore(ctx context.Context, cfg *Config) (*sqlstore.DB, error) {
	url, setting := cfg.DatabaseURL, "DATABASE_URL"
	if url == "" {
		url, setting = filepath.Join(cfg.DataDir, "dossier.db"), "DOSSIER_DATA"
	}
	db, err := sqlstore.OpenExisting(ctx, url)
	switch {
	case err == nil:
		return db, nil
	case errors.Is(err, sqlstore.ErrNoStore) && setting == "DOSSIER_DATA":
		return nil, fmt.Errorf("DOSSIER_DATA=%s: %w; point DOSSIER_DATA at the data directory that `dossier serve` uses",
			cfg.DataDir, err)
	case errors.Is(err, sqlstore.ErrNoStore):
		return nil, fmt.Errorf("DATABASE_URL: %w; point DATABASE_URL at the database that `dossier serve` uses", err)
	case setting == "DOSSIER_DATA":
		return nil, fmt.Errorf("DOSSIER_DATA=%s: %w", cfg.DataDir, err)
	case errors.Is(err, sqlstore.ErrNeedsMigration):
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	default:
		// An unreachable server or a missing database; the URL itself is not
		// repeated, since it may hold a password.
		return nil, fmt.Errorf("DATABASE_URL: %w; check that the database it names exists, can be reached, "+
			"and is the one `dossier serve` uses", err)
	}
}

// openExistingBlobs opens the blob store for inspection, without creating
// its directory or bucket.
func openExistingBlobs(ctx context.Context, cfg *Config) (blob.Store, error) {
	if cfg.S3Endpoint != "" {
		c := s3Config(cfg)
		c.MustExist = true
		s, err := s3.New(ctx, c)
		if errors.Is(err, s3.ErrNoBucket) {
			return nil, fmt.Errorf("%w (DOSSIER_S3_BUCKET=%s at DOSSIER_S3_ENDPOINT=%s)", err, cfg.S3Bucket, cfg.S3Endpoint)
		}
		return s, err
	}
	root := filepath.Join(cfg.DataDir, "blobs")
	s, err := disk.Open(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("DOSSIER_DATA=%s: no blobs directory: %w", cfg.DataDir, err)
	}
	return s, err
}

// blobColumns lists every other table column that names a blob. Generated
// documents and bundles share the blob store with evidence; a column missing
// here would make its blobs look orphaned, so a new blob user must be added.
// A query that fails aborts the sweep rather than sweep blindly.
var blobColumns = []struct{ table, column string }{
	{"documents", "sha256"},
	{"bundles", "list_zh_sha"},
	{"bundles", "list_en_sha"},
	{"bundles", "merged_sha"},
}

func markSQLBlobs(ctx context.Context, db *sql.DB, mark func(string)) error {
	for _, bc := range blobColumns {
		rows, err := db.QueryContext(ctx, "SELECT "+bc.column+" FROM "+bc.table)
		if err != nil {
			return fmt.Errorf("blob references in %s.%s: %w", bc.table, bc.column, err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return err
			}
			mark(s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
