package disk

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/dossier/dossier/internal/blob/blobtest"
)

// directSupported reports whether dir's filesystem takes O_DIRECT, so the
// test knows which path copyToFile must have taken.
func directSupported(t *testing.T, dir string) bool {
	f, err := os.CreateTemp(dir, "probe-*")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return setDirectIO(f, true) == nil
}

func TestCopyToFileSizes(t *testing.T) {
	sizes := []int64{0, 1, directAlign - 1, directAlign, directAlign + 1,
		writeBufSize - 1, writeBufSize, writeBufSize + 1, 3*writeBufSize + 12345}
	for _, tryDirect := range []bool{true, false} {
		dir := t.TempDir()
		wantDirect := tryDirect && directSupported(t, dir)
		for _, n := range sizes {
			want, err := io.ReadAll(blobtest.Stream(uint64(n), n))
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.Create(filepath.Join(dir, "out"))
			if err != nil {
				t.Fatal(err)
			}
			// One byte at a time at first: copyToFile must fill whole
			// buffers itself whatever the reader's chunking.
			r := io.MultiReader(io.LimitReader(oneByte{bytes.NewReader(want)}, 10), bytes.NewReader(want[min(10, len(want)):]))
			direct, ref, err := copyToFile(f, r, tryDirect)
			if err != nil {
				t.Fatalf("direct=%v size %d: %v", tryDirect, n, err)
			}
			if sum := sha256.Sum256(want); ref.SHA256 != hex.EncodeToString(sum[:]) || ref.Size != n {
				t.Errorf("direct=%v size %d: copyToFile reports %+v", tryDirect, n, ref)
			}
			if direct != wantDirect {
				t.Errorf("size %d: direct I/O used %v, want %v", n, direct, wantDirect)
			}
			f.Close()
			got, err := os.ReadFile(f.Name())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("direct=%v size %d: file has %d bytes, not the %d written", tryDirect, n, len(got), len(want))
			}
		}
	}
}

type oneByte struct{ r io.Reader }

func (o oneByte) Read(p []byte) (int, error) { return o.r.Read(p[:min(1, len(p))]) }

// A reader failing midway fails the copy with the reader's error, and a
// writer failing (here: a file opened read-only) stops the copy with the
// write error instead of reading the rest of the stream.
func TestCopyToFileErrors(t *testing.T) {
	dir := t.TempDir()
	boom := errors.New("boom")
	f, err := os.Create(filepath.Join(dir, "a"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, _, err := copyToFile(f, blobtest.FailAfter(blobtest.Stream(1, 8<<20), 3<<20+7, boom), true); !errors.Is(err, boom) {
		t.Fatalf("reader error: got %v", err)
	}

	ro, err := os.Open(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	cr := &countingReader{r: blobtest.Stream(2, 64<<20)}
	if _, _, err := copyToFile(ro, cr, true); err == nil {
		t.Fatal("writing to a read-only file succeeded")
	}
	// Every buffer may be full before the failure is seen, not the 64 MiB.
	if cr.n > 2*writeBufs*writeBufSize {
		t.Fatalf("read %d bytes after the first write failed", cr.n)
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
