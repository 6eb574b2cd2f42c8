package evidence

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
)

// combinedLock is the storage lock the records ask of one blob, which
// several items (of several cases) may share: the latest retention date of
// any of them (zero: none) and a legal hold if any of them is on hold.
func combinedLock(items []*dossier.Evidence) (until time.Time, hold bool) {
	for _, e := range items {
		if e.RetainUntil != nil && e.RetainUntil.After(until) {
			until = *e.RetainUntil
		}
		hold = hold || e.Hold
	}
	return until, hold
}

// LockUser is an item with a version stored in a blob.
type LockUser struct {
	EvidenceID string
	CaseID     string
}

// LockFinding is one blob whose storage lock disagrees with its records.
type LockFinding struct {
	SHA256    string
	Users     []LockUser // every item with a version in the blob, tombstoned included
	WantUntil time.Time  // the latest retention date of the records (zero: none)
	WantHold  bool       // a record holds the blob
	HaveUntil time.Time  // the retention date the storage enforces (zero: none)
	HaveHold  bool       // the storage has a legal hold on the blob
	Problem   string     // how they differ: "legal hold missing", …
	// Fixed: the records' state was applied and read back from the storage
	// (CheckLocks with Fix). FixErr says why it was not, when it was tried.
	Fixed   bool
	FixErr  string
	Changed string // what the fix changed: "legal hold set", …
}

// lockProblem says how the storage differs from the records at now.
func lockProblem(f LockFinding, now time.Time) string {
	var p []string
	switch {
	case f.WantHold && !f.HaveHold:
		p = append(p, "legal hold missing")
	case f.HaveHold && !f.WantHold:
		p = append(p, "legal hold that no record asks for")
	}
	if retentionShort(f.WantUntil, f.HaveUntil, now) {
		have := "no retention"
		if !f.HaveUntil.IsZero() {
			have = "retained until " + f.HaveUntil.UTC().Format(time.RFC3339)
		}
		p = append(p, have+", records say until "+f.WantUntil.UTC().Format(time.RFC3339))
	}
	return strings.Join(p, "; ")
}

func (f LockFinding) String() string {
	return fmt.Sprintf("sha256 %s: %s; used by %s", f.SHA256, f.Problem, f.UsedBy())
}

// UsedBy names the items using the blob and their cases.
func (f LockFinding) UsedBy() string {
	users := make([]string, len(f.Users))
	for i, u := range f.Users {
		users[i] = fmt.Sprintf("evidence %s (case %s)", u.EvidenceID, u.CaseID)
	}
	return strings.Join(users, ", ")
}

// LockReport is what CheckLocks found.
type LockReport struct {
	Blobs int // distinct blobs compared
	// Short lists the blobs whose storage would let the bytes be deleted
	// while a record keeps them: a legal hold missing, or a retention date
	// earlier than the records'.
	Short []LockFinding
	// Stale lists the blobs the storage holds although no record does. The
	// bytes are only safer, but the storage will refuse to purge them.
	Stale []LockFinding
}

// LockOptions configures CheckLocks.
type LockOptions struct {
	// Fix applies the records' state to every blob found disagreeing, as
	// holding or releasing an item does: a missing hold is set, a stale one
	// lifted, a retention date extended (never shortened).
	Fix bool
	// Progress, when set, is called after each blob with the count done
	// and the total.
	Progress func(done, total int)
}

// CheckLocks compares the storage lock of every blob that any version of
// any item (tombstoned included) uses with what the records ask of it, as
// combined when an item is held or released. Blobs missing from the store
// are left to VerifyEvery. It returns blob.ErrNoLocking (wrapped) when the
// blob store cannot lock, and an EUNAVAILABLE error when the store fails
// midway, with what was found before in the report.
//
// The storage is read between two reads of the records: a hold or release
// running meanwhile (storage then record to hold, record then storage to
// release) then never looks like a missing lock, only at most like a stale
// one. Fix during such a change may undo it: run it with serve stopped.
func (v *Vault) CheckLocks(ctx context.Context, opts LockOptions) (LockReport, error) {
	var r LockReport
	lr, ok := v.Blobs.(blob.LockReader)
	if !ok {
		return r, fmt.Errorf("evidence: check locks: %w", blob.ErrNoLocking)
	}
	byBlob := map[string]map[string]*dossier.Evidence{}
	err := v.Store.ScanEvidence(ctx, func(e *dossier.Evidence, ver *dossier.EvidenceVersion) error {
		if byBlob[ver.SHA256] == nil {
			byBlob[ver.SHA256] = map[string]*dossier.Evidence{}
		}
		// Only what the lock depends on: a large archive's descriptions
		// and transcripts need not sit in memory for the whole check.
		byBlob[ver.SHA256][e.ID] = &dossier.Evidence{ID: e.ID, CaseID: e.CaseID, Hold: e.Hold, RetainUntil: e.RetainUntil}
		return nil
	})
	if err != nil {
		return r, err
	}
	shas := make([]string, 0, len(byBlob))
	for s := range byBlob {
		shas = append(shas, s)
	}
	sort.Strings(shas)
	for i, sha := range shas {
		items := make([]*dossier.Evidence, 0, len(byBlob[sha]))
		for _, e := range byBlob[sha] {
			items = append(items, e)
		}
		f, bad, err := v.checkLock(ctx, lr, sha, items)
		if errors.Is(err, blob.ErrNotExist) {
			err = nil // missing bytes are VerifyEvery's finding
		}
		if err == nil && bad != "" && opts.Fix {
			err = v.fixLock(ctx, lr, &f)
		}
		if err != nil {
			r.Blobs = i
			switch {
			case ctx.Err() != nil:
				return r, ctx.Err()
			case blob.Unavailable(err):
				// The store failing midway is no finding about the locks.
				return r, storageError(fmt.Sprintf("could not read the lock of blob %s (%d of %d)", sha, i+1, len(shas)), err)
			}
			return r, fmt.Errorf("evidence: check locks: blob %s: %w", sha, err)
		}
		switch bad {
		case "short":
			r.Short = append(r.Short, f)
		case "stale":
			r.Stale = append(r.Stale, f)
		}
		if opts.Progress != nil {
			opts.Progress(i+1, len(shas))
		}
	}
	r.Blobs = len(shas)
	return r, nil
}

// checkLock compares one blob's storage lock with its records, read before
// (items) and again after the storage. bad is "short", "stale" or "".
func (v *Vault) checkLock(ctx context.Context, lr blob.LockReader, sha string, items []*dossier.Evidence) (f LockFinding, bad string, err error) {
	f = LockFinding{SHA256: sha}
	f.WantUntil, f.WantHold = combinedLock(items)
	if f.HaveUntil, f.HaveHold, err = lr.LockState(ctx, sha); err != nil {
		return f, "", err
	}
	now := v.now()
	if !lockShort(f, now) && !(f.HaveHold && !f.WantHold) {
		return f, "", nil
	}
	// A disagreement: read the records again. A lock counts as missing
	// only if both reads ask for it, and as stale only if neither does.
	again, err := v.Store.EvidenceByBlob(ctx, sha)
	if err != nil {
		return f, "", err
	}
	until2, hold2 := combinedLock(again)
	f.Users = lockUsers(append(items, again...))
	if f.WantHold && !f.HaveHold && hold2 {
		bad = "short"
	}
	if retentionShort(minTime(f.WantUntil, until2), f.HaveUntil, now) {
		f.WantUntil, bad = minTime(f.WantUntil, until2), "short"
	}
	if bad == "" && f.HaveHold && !f.WantHold && !hold2 {
		bad = "stale"
	}
	if bad == "" {
		return LockFinding{}, "", nil
	}
	// The report shows what both reads ask.
	if bad == "short" {
		f.WantHold = f.WantHold && hold2
	} else {
		f.WantHold = f.WantHold || hold2
	}
	f.Problem = lockProblem(f, now)
	return f, bad, nil
}

// fixLock applies the records' state to a disagreeing blob, through the
// same code as a hold or release, and reads it back.
func (v *Vault) fixLock(ctx context.Context, lr blob.LockReader, f *LockFinding) error {
	if err := v.syncLock(ctx, f.SHA256, nil); err != nil {
		if blob.Unavailable(err) || ctx.Err() != nil {
			return err
		}
		f.FixErr = err.Error()
		return nil
	}
	items, err := v.Store.EvidenceByBlob(ctx, f.SHA256)
	if err != nil {
		return err
	}
	until, hold, err := lr.LockState(ctx, f.SHA256)
	if err != nil {
		return err
	}
	now := v.now()
	got := LockFinding{HaveUntil: until, HaveHold: hold}
	got.WantUntil, got.WantHold = combinedLock(items)
	f.Fixed = !lockShort(got, now) && hold == got.WantHold
	if !f.Fixed {
		f.FixErr = "the storage still differs after the change: " + lockProblem(got, now)
	}
	var c []string
	switch {
	case hold && !f.HaveHold:
		c = append(c, "legal hold set")
	case !hold && f.HaveHold:
		c = append(c, "legal hold lifted")
	}
	if until.After(f.HaveUntil) {
		c = append(c, "retained until "+until.UTC().Format(time.RFC3339))
	}
	f.Changed = strings.Join(c, ", ")
	return nil
}

// lockShort reports whether the storage would let f's bytes be deleted
// while a record keeps them.
func lockShort(f LockFinding, now time.Time) bool {
	return (f.WantHold && !f.HaveHold) || retentionShort(f.WantUntil, f.HaveUntil, now)
}

// retentionShort reports whether a storage retention date have ends before
// the records' want, where that matters: a date the records set that has
// passed by now asks nothing more (zero now: always matters). Dates are
// compared to the second, the precision S3 keeps.
func retentionShort(want, have, now time.Time) bool {
	if want.IsZero() || (!now.IsZero() && !want.After(now)) {
		return false
	}
	return have.Before(want.Truncate(time.Second))
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// lockUsers lists the distinct items, ordered by case and ID.
func lockUsers(items []*dossier.Evidence) []LockUser {
	seen := map[string]bool{}
	var out []LockUser
	for _, e := range items {
		if !seen[e.ID] {
			seen[e.ID] = true
			out = append(out, LockUser{EvidenceID: e.ID, CaseID: e.CaseID})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].CaseID != out[j].CaseID {
			return out[i].CaseID < out[j].CaseID
		}
		return out[i].EvidenceID < out[j].EvidenceID
	})
	return out
}
