// Package disk is a blob.Store on a local filesystem, modelled on restic's
// local backend: a blob lives at <root>/<aa>/<bb>/<sha256> and is written to
// a temp file, size-checked, fsynced, made read-only and only then given its
// name, so a crash leaves either the whole blob or no blob under that name.
// Blob bytes bypass the page cache where the filesystem allows (write.go).
package disk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/dossier/dossier/internal/blob"
)

// tmpDir holds uploads in progress. It sits inside root so the final link is
// on the same filesystem and atomic; Walk never looks inside it.
const tmpDir = "tmp"

// copyBufSize bounds the memory of hashing a stream whose blob is already
// stored; writes use write.go's buffers.
const copyBufSize = 1 << 20

// Store keeps blobs under Root.
type Store struct {
	root string
	// buffered turns direct I/O off (tests of the fallback path).
	buffered bool
}

var _ blob.Store = (*Store)(nil)

// New opens (creating if needed) a store rooted at root.
func New(root string) (*Store, error) {
	if root == "" {
		return nil, errors.New("disk: empty root")
	}
	if err := os.MkdirAll(filepath.Join(root, tmpDir), 0o755); err != nil {
		return nil, fmt.Errorf("disk: %w", err)
	}
	return &Store{root: root}, nil
}

// Open opens an existing store rooted at root, for inspection: unlike New
// it never creates root, and a missing root is an error wrapping
// fs.ErrNotExist.
func Open(root string) (*Store, error) {
	fi, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("disk: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("disk: %s is not a directory", root)
	}
	return New(root)
}

// Root returns the directory the store lives in.
func (s *Store) Root() string { return s.root }

// path returns where a blob with this (already validated) digest lives.
func (s *Store) path(sha string) string {
	return filepath.Join(s.root, sha[0:2], sha[2:4], sha)
}

// Put implements blob.Store.
func (s *Store) Put(ctx context.Context, r io.Reader, wantSHA256 string) (blob.Ref, error) {
	want, err := blob.CheckWant(wantSHA256)
	if err != nil {
		return blob.Ref{}, err
	}
	r = blob.ContextReader(ctx, r)

	// The expected blob is already here and intact: hashing the stream is
	// enough to confirm the caller's bytes, and nothing needs writing. A
	// damaged one is replaced by the bytes received, written as for a new
	// blob.
	// It is marked as stored now first: hashing takes as long as the
	// upload, and a sweep meanwhile must see the blob in use, not as the
	// old orphan it may be. A blob gone already is stored as a new one.
	if want != "" && s.touch(want) == nil {
		if damage, err := s.damage(want, -1); err == nil && damage == "" {
			hr := blob.NewHashReader(r)
			if _, err := io.CopyBuffer(io.Discard, hr, make([]byte, copyBufSize)); err != nil {
				return blob.Ref{}, fmt.Errorf("disk: put: read: %w", err)
			}
			ref := hr.Ref()
			if err := blob.CheckDigest(ref, want); err != nil {
				return blob.Ref{}, err
			}
			// Still there (a sweep that judged its age before the first
			// mark may have removed it since): the caller may name it.
			return ref, s.touch(want)
		}
	}

	f, err := os.CreateTemp(filepath.Join(s.root, tmpDir), "put-*")
	if err != nil {
		return blob.Ref{}, fmt.Errorf("disk: put: %w", err)
	}
	tmp := f.Name()
	committed := false
	defer func() {
		if !committed {
			// Best effort: the error that brought us here matters more.
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()

	_, ref, err := copyToFile(f, r, !s.buffered)
	if err != nil {
		return blob.Ref{}, fmt.Errorf("disk: put: %w", err)
	}
	if err := blob.CheckDigest(ref, want); err != nil {
		return blob.Ref{}, err
	}
	// Size check as restic does: a filesystem that silently dropped bytes
	// must not get a blob named after bytes it does not hold.
	fi, err := f.Stat()
	if err != nil {
		return blob.Ref{}, fmt.Errorf("disk: put: %w", err)
	}
	if fi.Size() != ref.Size {
		return blob.Ref{}, fmt.Errorf("disk: put: wrote %d bytes, file has %d", ref.Size, fi.Size())
	}
	// Read-only before it gets its name, so no moment exists where the named
	// blob is writable.
	if err := f.Chmod(0o444); err != nil {
		return blob.Ref{}, fmt.Errorf("disk: put: %w", err)
	}
	if err := f.Sync(); err != nil {
		return blob.Ref{}, fmt.Errorf("disk: put: fsync: %w", err)
	}
	if err := f.Close(); err != nil {
		return blob.Ref{}, fmt.Errorf("disk: put: %w", err)
	}

	dst := s.path(ref.SHA256)
	if err := s.mkdirs(ref.SHA256); err != nil {
		return blob.Ref{}, err
	}
	// Link, not rename: link refuses an existing name atomically, so an
	// intact blob is never replaced even by a concurrent Put of the same
	// bytes.
	switch err := os.Link(tmp, dst); {
	case errors.Is(err, fs.ErrExist):
		// Same name should mean same bytes, but stored bytes can rot or be
		// overwritten: keeping a damaged copy while answering success would
		// name bytes the store does not hold.
		if err := s.repair(ctx, tmp, ref); err != nil {
			return blob.Ref{}, err
		}
	case err != nil:
		return blob.Ref{}, fmt.Errorf("disk: put: %w", err)
	default:
		if err := syncDir(filepath.Dir(dst)); err != nil {
			return blob.Ref{}, fmt.Errorf("disk: put: %w", err)
		}
	}
	committed = true
	// The blob is durable under its name; a leftover temp is only litter
	// that RemoveTemp collects.
	_ = os.Remove(tmp)
	return ref, nil
}

// damage re-reads the stored blob sha and says how its bytes fail to match
// their name ("" when intact); size >= 0 is the size they must have.
func (s *Store) damage(sha string, size int64) (string, error) {
	f, err := os.Open(s.path(sha))
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	return blob.Damage(f, sha, fi.Size(), size)
}

// touch sets a blob's modification time to now when a Put confirms bytes
// that were already stored. The time says when the blob was last stored, and
// Sweep keeps blobs younger than its minimum age: an old orphan (an upload
// refused after its file, a crash) whose bytes arrive again is about to get a
// record, and must not look a day old to a sweep running before it does.
// Owning the file is enough, read-only as it is.
func (s *Store) touch(sha string) error {
	now := time.Now()
	if err := os.Chtimes(s.path(sha), now, now); err != nil {
		return fmt.Errorf("disk: put: mark %s as stored now: %w", sha, err)
	}
	return nil
}

// repair replaces the stored blob ref with the complete, checked temp file
// tmp if the stored bytes do not match ref (or are gone), atomically
// (rename over it). Only bytes that fail their digest are ever replaced,
// and only by bytes that have it.
func (s *Store) repair(ctx context.Context, tmp string, ref blob.Ref) error {
	dst := s.path(ref.SHA256)
	damage, err := s.damage(ref.SHA256, ref.Size)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Deleted since the link failed: stored as for a new blob.
	case err != nil:
		return fmt.Errorf("disk: put: check stored %s: %w", ref.SHA256, err)
	case damage == "":
		// Intact: the first copy wins, unless a sweep took it meanwhile.
		if err := s.touch(ref.SHA256); !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("disk: put: repair %s: %w", ref.SHA256, err)
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return fmt.Errorf("disk: put: repair %s: %w", ref.SHA256, err)
	}
	if damage != "" {
		blob.ReportRepair(ctx, blob.Repair{Ref: ref, Damage: damage})
	}
	return nil
}

// mkdirs creates <aa>/<bb> for sha, fsyncing each parent whose entries
// changed so the new directories survive a crash together with the blob.
func (s *Store) mkdirs(sha string) error {
	dir := s.root
	for _, part := range []string{sha[0:2], sha[2:4]} {
		sub := filepath.Join(dir, part)
		err := os.Mkdir(sub, 0o755)
		switch {
		case errors.Is(err, fs.ErrExist):
		case err != nil:
			return fmt.Errorf("disk: put: %w", err)
		default:
			if err := syncDir(dir); err != nil {
				return fmt.Errorf("disk: put: %w", err)
			}
		}
		dir = sub
	}
	return nil
}

// syncDir makes a directory's entries (a new name) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("fsync %s: %w", dir, err)
	}
	return nil
}

// Open implements blob.Store.
func (s *Store) Open(ctx context.Context, sha256 string, off, n int64) (io.ReadCloser, error) {
	if !blob.ValidSHA256(sha256) {
		return nil, fmt.Errorf("disk: open %q: %w", sha256, blob.ErrNotExist)
	}
	f, err := os.Open(s.path(sha256))
	if err != nil {
		return nil, mapErr("open", sha256, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, mapErr("open", sha256, err)
	}
	start, end, err := blob.ClampRange(fi.Size(), off, n)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("disk: open %s: %w", sha256, err)
	}
	return sectionReadCloser{io.NewSectionReader(f, start, end-start), f}, nil
}

type sectionReadCloser struct {
	*io.SectionReader
	io.Closer
}

// Stat implements blob.Store.
func (s *Store) Stat(ctx context.Context, sha256 string) (blob.Ref, error) {
	if !blob.ValidSHA256(sha256) {
		return blob.Ref{}, fmt.Errorf("disk: stat %q: %w", sha256, blob.ErrNotExist)
	}
	fi, err := os.Stat(s.path(sha256))
	if err != nil {
		return blob.Ref{}, mapErr("stat", sha256, err)
	}
	return blob.Ref{SHA256: sha256, Size: fi.Size()}, nil
}

// Delete implements blob.Store. Read-only mode does not stop the owner from
// unlinking, so a disk store never reports ErrLocked: retention on disk is
// the application's job.
func (s *Store) Delete(ctx context.Context, sha256 string) error {
	if !blob.ValidSHA256(sha256) {
		return fmt.Errorf("disk: delete %q: %w", sha256, blob.ErrNotExist)
	}
	p := s.path(sha256)
	if err := os.Remove(p); err != nil {
		return mapErr("delete", sha256, err)
	}
	if err := syncDir(filepath.Dir(p)); err != nil {
		return fmt.Errorf("disk: delete %s: %w", sha256, err)
	}
	return nil
}

// Lock implements blob.Store. A plain filesystem has no retention, so this
// only confirms the blob exists; files are already read-only.
func (s *Store) Lock(ctx context.Context, sha256 string, until time.Time, hold bool) error {
	_, err := s.Stat(ctx, sha256)
	return err
}

// Walk implements blob.Store. Files that are not blobs in their proper place
// (temp files, strays) are skipped.
func (s *Store) Walk(ctx context.Context, fn func(blob.Ref) error) error {
	err := filepath.WalkDir(s.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if p == filepath.Join(s.root, tmpDir) {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if !d.Type().IsRegular() || !blob.ValidSHA256(name) || p != s.path(name) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		return fn(blob.Ref{SHA256: name, Size: fi.Size()})
	})
	if err != nil {
		return fmt.Errorf("disk: walk: %w", err)
	}
	return nil
}

// Ping implements blob.Store by creating and removing a temp file, which
// proves the root exists and is writable.
func (s *Store) Ping(ctx context.Context) error {
	f, err := os.CreateTemp(filepath.Join(s.root, tmpDir), "ping-*")
	if err != nil {
		return fmt.Errorf("disk: ping: %w", err)
	}
	f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return fmt.Errorf("disk: ping: %w", err)
	}
	return nil
}

// RemoveTemp deletes temp files older than age, left by Puts interrupted by a
// crash, and returns how many it removed. Use an age longer than any upload
// can take, so a Put in progress keeps its file.
func (s *Store) RemoveTemp(age time.Duration) (int, error) {
	dir := filepath.Join(s.root, tmpDir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("disk: remove temp: %w", err)
	}
	removed := 0
	cutoff := time.Now().Add(-age)
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil || !fi.ModTime().Before(cutoff) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("disk: remove temp: %w", err)
		}
		removed++
	}
	return removed, nil
}

func mapErr(op, sha string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("disk: %s %s: %w", op, sha, blob.ErrNotExist)
	}
	return fmt.Errorf("disk: %s %s: %w", op, sha, err)
}
