// Package blob stores evidence bytes by content: a blob's name is the
// lowercase hex sha256 of its bytes, so a name that still matches its bytes
// proves they are the bytes received at intake.
//
// Store is the one storage interface; disk and s3 implement it, and
// blobtest.Run is the contract suite both must pass. Every implementation
// hashes the stream while it receives it (HashReader) and commits nothing
// whose digest differs from the one the caller expected, so corrupt bytes
// never get a name.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"syscall"
	"time"
)

// Sentinel errors. Implementations wrap them with detail; test with errors.Is.
var (
	// ErrNotExist: no blob has this digest (a malformed digest included).
	ErrNotExist = errors.New("blob: does not exist")
	// ErrCorrupt: the bytes do not match their digest, either while being
	// received (nothing was committed) or when re-read by Verify.
	ErrCorrupt = errors.New("blob: digest mismatch")
	// ErrLocked: the storage itself refused a deletion because of a
	// retention period or a legal hold.
	ErrLocked = errors.New("blob: locked by retention or legal hold")
	// ErrUnavailable: the storage cannot be reached or cannot take bytes
	// for now. Test with Unavailable, which also recognises the network and
	// full-filesystem errors implementations pass through.
	ErrUnavailable = errors.New("blob: storage unavailable")
	// ErrNoLocking: the storage does not enforce Lock (an S3 bucket made
	// without object locking), so it has no lock state to read.
	ErrNoLocking = errors.New("blob: storage does not lock blobs")
)

// Unavailable reports whether err means the storage itself failed for now
// (a dependency down: a retry later may succeed) rather than the request or
// the bytes: ErrUnavailable, a failure to reach it over the network
// (refused, reset, no such host, a broken or timed-out exchange), or a full
// filesystem or quota. A cancelled context is not: it is the caller giving
// up (a client gone), even inside a *url.Error. Nor is any other errno: a
// syscall.Errno is a net.Error by its methods, but a blob file missing or
// unreadable (ENOENT, EACCES, EIO) is an internal failure, not an outage.
func Unavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var (
		ue  *url.Error
		op  *net.OpError
		dns *net.DNSError
	)
	return errors.Is(err, ErrUnavailable) || errors.As(err, &ue) || errors.As(err, &op) || errors.As(err, &dns) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// Ref names a stored blob: the lowercase hex sha256 of its bytes and their
// number.
type Ref struct {
	SHA256 string
	Size   int64
}

// Store is a content-addressed blob store. Implementations are safe for
// concurrent use.
type Store interface {
	// Put streams r into the store while computing sha256 and size; the bytes
	// are durable when it returns. Memory use is bounded whatever the size.
	// If wantSHA256 != "" and the digest differs (or wantSHA256 is not a
	// sha256 at all), nothing is committed and ErrCorrupt is returned. An error
	// from r aborts the Put and leaves nothing behind.
	// Content-addressed: putting bytes that already exist returns the same
	// Ref and writes nothing while the stored blob is intact (re-read to make
	// sure); stored bytes that no longer match their name are replaced by
	// the received ones, which do, and the repair is reported to OnRepair.
	// An intact blob is never overwritten.
	// Put may read r on goroutines of its own, to overlap receiving with
	// hashing and storing, but never after it returns: the caller may then
	// use r's source again (the next part of a form).
	Put(ctx context.Context, r io.Reader, wantSHA256 string) (Ref, error)

	// Open returns a reader over [off, off+n) of the blob; n < 0 reads to the
	// end. A range past the end is cut at the end (off >= size gives an empty
	// reader). ErrNotExist if absent; off < 0 is an error.
	Open(ctx context.Context, sha256 string, off, n int64) (io.ReadCloser, error)

	// Stat returns the blob's Ref, or ErrNotExist.
	Stat(ctx context.Context, sha256 string) (Ref, error)

	// Delete removes the blob. ErrNotExist if absent, ErrLocked if the storage
	// refuses because of Lock.
	Delete(ctx context.Context, sha256 string) error

	// Lock asks the storage itself to refuse deletion until `until` (zero:
	// no retention date) and, when hold is true, puts a legal hold on the blob;
	// hold=false lifts a legal hold. Retention is only ever extended, never
	// shortened. Where the storage cannot lock, Lock is a no-op returning nil
	// (disk keeps its files read-only instead). ErrNotExist if absent.
	//
	// Several evidence items may share one blob, so callers pass the combined
	// state: the latest retention date and whether any item is on hold.
	Lock(ctx context.Context, sha256 string, until time.Time, hold bool) error

	// Walk calls fn for each stored blob in no particular order, skipping
	// incomplete uploads. An error from fn stops the walk and is returned.
	Walk(ctx context.Context, fn func(Ref) error) error

	// Ping reports whether the storage is reachable and usable.
	Ping(ctx context.Context) error
}

// LockReader is implemented by stores whose storage can enforce Lock. It
// reads the lock back, so that what the storage enforces can be compared
// with what the records ask: the storage is changed in a separate step from
// the records (a crash between the two leaves them disagreeing), and anyone
// with rights on the storage can change it directly. Disk has no locks and
// does not implement it.
type LockReader interface {
	// LockState returns the retention date (zero: none) and the legal hold
	// the storage enforces on the blob as it is stored now. ErrNotExist if
	// absent; ErrNoLocking when this storage does not lock (a bucket
	// without object locking), where there is nothing to compare.
	LockState(ctx context.Context, sha256 string) (until time.Time, hold bool, err error)
}

// Verify re-reads the whole blob and recomputes its digest. It returns nil
// when the bytes still match ref, ErrCorrupt (wrapped, with detail) when they
// do not, and ErrNotExist when the blob is gone.
func Verify(ctx context.Context, s Store, ref Ref) error {
	rc, err := s.Open(ctx, ref.SHA256, 0, -1)
	if err != nil {
		return fmt.Errorf("blob: verify %s: %w", ref.SHA256, err)
	}
	defer rc.Close()
	h := NewHashReader(rc)
	if _, err := io.Copy(io.Discard, h); err != nil {
		return fmt.Errorf("blob: verify %s: read: %w", ref.SHA256, err)
	}
	got := h.Ref()
	if got != ref {
		return fmt.Errorf("blob: verify %s: read %d bytes with sha256 %s, want %d bytes: %w",
			ref.SHA256, got.Size, got.SHA256, ref.Size, ErrCorrupt)
	}
	return nil
}
