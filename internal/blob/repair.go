package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
)

// Repair is a damaged blob that a Put replaced: bytes stored under a name
// they no longer matched gave way to received bytes that do. Only such
// bytes are ever replaced; an intact blob is never overwritten.
type Repair struct {
	Ref    Ref    // the blob as now stored
	Damage string // what the replaced bytes were
}

func (r Repair) String() string {
	return fmt.Sprintf("repaired damaged stored bytes of sha256=%s (%s)", r.Ref.SHA256, r.Damage)
}

type repairKey struct{}

// OnRepair returns a context whose Puts call fn when they repair a blob, so
// the caller can record it (the audit trail of the upload that did it).
func OnRepair(ctx context.Context, fn func(Repair)) context.Context {
	return context.WithValue(ctx, repairKey{}, fn)
}

// ReportRepair is called by implementations after a repair is durable.
func ReportRepair(ctx context.Context, r Repair) {
	if fn, ok := ctx.Value(repairKey{}).(func(Repair)); ok {
		fn(r)
	}
}

// Damage reads r, the bytes stored under the name sha, and says how they
// fail to match it ("" when they match). size >= 0 is the expected size,
// checked first so that a truncated blob costs no read.
func Damage(r io.Reader, sha string, stored, size int64) (string, error) {
	if size >= 0 && stored != size {
		return fmt.Sprintf("%d bytes, want %d", stored, size), nil
	}
	h := sha256.New()
	// Our own 1 MiB buffer: io.Copy would read a file 32 KiB at a time.
	n, err := io.CopyBuffer(h, struct{ io.Reader }{r}, make([]byte, 1<<20))
	if err != nil {
		return "", err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sha {
		return fmt.Sprintf("%d bytes with sha256 %s", n, got), nil
	}
	return "", nil
}
