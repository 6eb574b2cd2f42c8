package disk

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"github.com/dossier/dossier/internal/blob"
)

// Blob writes go around the page cache where the filesystem allows it
// (O_DIRECT). Evidence is written once, fsynced at once and read rarely:
// passing a 1 GiB recording through the page cache costs a second memory
// copy, leaves a gigabyte of dirty pages for fsync to flush in one go, and
// evicts the pages the database and the search index live on. Filesystems
// without direct I/O (or with larger blocks than we align to) fall back to
// ordinary writes; the result on disk is the same bytes either way.
const (
	writeBufSize = 1 << 20 // one write
	writeBufs    = 8       // in flight: bound a Put's memory to writeBufs × writeBufSize
	directAlign  = 4096    // buffer address, file offset and length multiple for O_DIRECT
)

// bufPool holds aligned writeBufSize buffers between Puts, so neither a
// stream of small uploads nor a large one leaves megabytes of garbage per
// Put. A buffer's old bytes are never read: only what Fill put in goes on.
var bufPool = sync.Pool{New: func() any {
	b := alignedBuf(writeBufSize)
	return &b
}}

// alignedBuf returns a size-byte slice starting on a directAlign boundary.
func alignedBuf(size int) []byte {
	b := make([]byte, size+directAlign)
	off := 0
	if r := int(uintptr(unsafe.Pointer(&b[0])) & (directAlign - 1)); r != 0 {
		off = directAlign - r
	}
	return b[off : off+size : off+size]
}

// fileWriter writes whole buffers to a new file, directly while it can.
type fileWriter struct {
	f      *os.File
	direct bool
}

// write appends b. Only the last call may pass a length that is not a
// multiple of directAlign: direct I/O is switched off for that tail.
func (w *fileWriter) write(b []byte) error {
	if w.direct {
		n := len(b) &^ (directAlign - 1)
		if n > 0 {
			m, err := w.f.Write(b[:n])
			if m == 0 && errors.Is(err, syscall.EINVAL) {
				// The filesystem accepted the flag but refuses the write
				// (block size larger than our alignment): write normally.
				if err := w.setDirect(false); err != nil {
					return err
				}
				return w.write(b)
			}
			if err != nil {
				return err
			}
			b = b[m:]
		}
		if len(b) == 0 {
			return nil
		}
		if err := w.setDirect(false); err != nil {
			return err
		}
	}
	_, err := w.f.Write(b)
	return err
}

func (w *fileWriter) setDirect(on bool) error {
	if err := setDirectIO(w.f, on); err != nil {
		return err
	}
	w.direct = on
	return nil
}

// copyToFile copies r into f, a newly created empty file, and returns the
// sha256 and size of what it wrote and whether direct I/O was used. Three
// stages pass writeBufs aligned buffers round, each on its own goroutine:
// the caller's reads the next buffer (from an upload: straight out of the
// socket), a second hashes the one before, a third writes the one before
// that, which mostly waits on the device. The stream costs the slowest
// stage's time, not the sum of all three, wherever a core is free.
func copyToFile(f *os.File, r io.Reader, tryDirect bool) (direct bool, ref blob.Ref, err error) {
	w := &fileWriter{f: f}
	if tryDirect {
		w.direct = setDirectIO(f, true) == nil
	}
	direct = w.direct

	// Buffers are taken as the stream needs them (a small file uses one)
	// and go back to the pool when the copy is over.
	free := make(chan []byte, writeBufs)
	taken := 0
	next := func() []byte {
		select {
		case b := <-free:
			return b
		default:
		}
		if taken < writeBufs {
			taken++
			return *bufPool.Get().(*[]byte)
		}
		return <-free
	}
	defer func() {
		// Every buffer is back in free once the writer is done (below).
		for range taken {
			b := <-free
			bufPool.Put(&b)
		}
	}()
	// No send below blocks: each queue holds every buffer there is.
	toHash := make(chan []byte, writeBufs)
	toWrite := make(chan []byte, writeBufs)
	var failed atomic.Bool
	h := sha256.New()
	var size int64
	go func() {
		// The hasher is the slowest stage and rarely waits. On a thread of
		// its own it is not moved between threads at every hand-over:
		// uploads and direct Puts both ran 5–18% faster so, in five pairs of runs
		// alternating with and without (docs/benchmarks.md).
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer close(toWrite)
		for b := range toHash {
			if !failed.Load() {
				h.Write(b)
				size += int64(len(b))
			}
			toWrite <- b
		}
	}()
	done := make(chan error, 1)
	go func() {
		var werr error
		for b := range toWrite {
			if werr == nil {
				if werr = w.write(b); werr != nil {
					failed.Store(true)
				}
			}
			free <- b[:cap(b)]
		}
		done <- werr
	}()

	var rerr error
	for !failed.Load() {
		b := next()
		n, err := blob.Fill(r, b)
		if n > 0 {
			toHash <- b[:n]
		} else {
			free <- b
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			rerr = err
			break
		}
	}
	close(toHash)
	werr := <-done // the hasher finished before the writer's queue closed
	if rerr != nil {
		return direct, blob.Ref{}, rerr
	}
	if werr != nil {
		return direct, blob.Ref{}, werr
	}
	return direct, blob.Ref{SHA256: hex.EncodeToString(h.Sum(nil)), Size: size}, nil
}
