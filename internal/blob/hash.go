package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"strings"
)

// HashReader passes reads through while computing the sha256 and the size of
// everything read, as perkeep's checkHashReader does: the digest is known the
// moment the stream ends, before anything is committed under a name.
type HashReader struct {
	r    io.Reader
	h    hash.Hash
	size int64
}

// NewHashReader wraps r.
func NewHashReader(r io.Reader) *HashReader {
	return &HashReader{r: r, h: sha256.New()}
}

func (hr *HashReader) Read(p []byte) (int, error) {
	n, err := hr.r.Read(p)
	if n > 0 {
		hr.h.Write(p[:n])
		hr.size += int64(n)
	}
	return n, err
}

// Ref returns the digest and size of the bytes read so far.
func (hr *HashReader) Ref() Ref {
	return Ref{SHA256: hex.EncodeToString(hr.h.Sum(nil)), Size: hr.size}
}

// ValidSHA256 reports whether s is a lowercase hex sha256, the only form a
// blob name takes. Implementations check it before using s in a path or key.
func ValidSHA256(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// CheckWant validates a Put's wantSHA256 before any byte is read: "" means
// no expectation; upper case is accepted; anything that is not a sha256
// cannot match any bytes and is ErrCorrupt. It returns the normalised form.
func CheckWant(want string) (string, error) {
	if want == "" {
		return "", nil
	}
	w := strings.ToLower(want)
	if !ValidSHA256(w) {
		return "", fmt.Errorf("blob: wanted digest %q is not a sha256: %w", want, ErrCorrupt)
	}
	return w, nil
}

// MismatchError is the ErrCorrupt of bytes whose digest is not the one
// expected: Got is what was actually received or read.
type MismatchError struct {
	Got  Ref
	Want string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("blob: received %d bytes with sha256 %s, want %s: %v", e.Got.Size, e.Got.SHA256, e.Want, ErrCorrupt)
}

// Is makes errors.Is(err, ErrCorrupt) hold.
func (e *MismatchError) Is(target error) bool { return target == ErrCorrupt }

// CheckDigest returns a *MismatchError (an ErrCorrupt) when want is set and
// differs from got.
func CheckDigest(got Ref, want string) error {
	if want != "" && got.SHA256 != want {
		return &MismatchError{Got: got, Want: want}
	}
	return nil
}

// ClampRange turns Open's (off, n) into a concrete [start, end) within a
// blob of the given size, cutting at the end as Open's contract says.
func ClampRange(size, off, n int64) (start, end int64, err error) {
	if off < 0 {
		return 0, 0, fmt.Errorf("blob: negative offset %d", off)
	}
	start = min(off, size)
	end = size
	if n >= 0 && n < end-start {
		end = start + n
	}
	return start, end, nil
}

// ContextReader returns a reader that fails with ctx's error once ctx is
// done, so a long upload stops when its caller gives up.
func ContextReader(ctx context.Context, r io.Reader) io.Reader {
	return ctxReader{ctx, r}
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Fill reads from r until b is full or r stops, and returns r's own error
// unchanged: io.EOF only when r really ended. io.ReadFull is not used on
// streams whose end commits something, because it cannot tell a short
// last read from a source that itself fails with io.ErrUnexpectedEOF, as
// net/http's request body does when the client goes away before
// Content-Length: a dropped upload would pass for a complete, shorter file.
func Fill(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
