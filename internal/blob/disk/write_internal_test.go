package disk

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
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

// setFlush makes copyToFile ask for a flush every `every` bytes through
// sync for the rest of the test.
func setFlush(t *testing.T, every int64, sync func(*os.File) error) {
	oldEvery, oldSync := flushEvery, syncFile
	flushEvery, syncFile = every, sync
	t.Cleanup(func() { flushEvery, syncFile = oldEvery, oldSync })
}

// A long copy fsyncs the file while it writes, directly or through the
// page cache, and the bytes are the same.
func TestCopyToFileFlushesAsItWrites(t *testing.T) {
	const n = 16*writeBufSize + 123
	want, err := io.ReadAll(blobtest.Stream(7, n))
	if err != nil {
		t.Fatal(err)
	}
	for _, tryDirect := range []bool{true, false} {
		var flushes, firstAt atomic.Int64
		setFlush(t, 2*writeBufSize, func(f *os.File) error {
			if flushes.Add(1) == 1 {
				fi, err := f.Stat()
				if err != nil {
					return err
				}
				firstAt.Store(fi.Size())
			}
			return f.Sync()
		})
		f, err := os.Create(filepath.Join(t.TempDir(), "out"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, ref, err := copyToFile(f, bytes.NewReader(want), tryDirect); err != nil || ref.Size != n {
			t.Fatalf("direct=%v: copyToFile: %+v, %v", tryDirect, ref, err)
		}
		// Requests made during a flush fold into one, so fewer than n/every.
		if got := flushes.Load(); got < 1 || got > n/(2*writeBufSize) {
			t.Errorf("direct=%v: %d flushes while writing %d bytes, want 1–%d", tryDirect, got, n, n/(2*writeBufSize))
		}
		// Asked for once 2 MiB were written, not before.
		if firstAt.Load() < 2*writeBufSize {
			t.Errorf("direct=%v: the first flush came with %d bytes in the file", tryDirect, firstAt.Load())
		}
		got, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("direct=%v: the file differs from what was copied", tryDirect)
		}
	}
}

// A failed flush fails the copy and stops it reading: the final fsync in
// Put would not hear of the failure again.
func TestCopyToFileFlushError(t *testing.T) {
	boom := errors.New("flush failed")
	setFlush(t, writeBufSize, func(*os.File) error { return boom })
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := &countingReader{r: blobtest.Stream(3, 256<<20)}
	if _, _, err := copyToFile(f, cr, true); !errors.Is(err, boom) {
		t.Fatalf("copyToFile: got %v, want the flush's error", err)
	}
	if cr.n >= 256<<20 {
		t.Fatal("the copy read the whole stream after its flush failed")
	}
}
