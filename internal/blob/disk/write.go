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

// A Put makes what it has written durable as it goes: every flushEvery
// bytes the writer asks for an fsync, which runs beside the writes. The
// fsync that Put ends with then has at most flushEvery bytes left to flush
// instead of the whole blob. O_DIRECT writes bypass this machine's page
// cache, not the device's: on a virtual disk with a write-back cache the
// final fsync of a 1 GiB blob took 0.45–0.65 s, all of it after the last
// byte had arrived. Flushing as it goes, a 1 GiB upload is answered 52–76 ms
// after its last byte instead of 452–575 ms, in the same total time and
// with about 12% less CPU (docs/benchmarks.md, stop 16); on filesystems without
// direct I/O it also keeps a large Put from piling up dirty pages.
// Variables, so tests can flush often and fail a flush.
var (
	flushEvery int64 = 64 << 20
	syncFile         = (*os.File).Sync
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
// that, which mostly waits on the device and has a fourth fsync what it
// wrote every flushEvery bytes. The stream costs the slowest stage's time,
// not the sum of them, wherever a core is free.
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
	fl := startFlusher(f, &failed)
	done := make(chan error, 1)
	go func() {
		var werr error
		var unflushed int64
		for b := range toWrite {
			if werr == nil {
				if werr = w.write(b); werr != nil {
					failed.Store(true)
				}
				if unflushed += int64(len(b)); unflushed >= flushEvery {
					fl.request()
					unflushed = 0
				}
			}
			free <- b[:cap(b)]
		}
		// A flush's error counts as a write's: the kernel reports a failed
		// writeback to one fsync only, so Put's own would not see it again.
		if ferr := fl.stop(); werr == nil {
			werr = ferr
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

// flusher fsyncs a file on request, one fsync at a time, beside the writes.
// Requests made while an fsync runs are folded into the next one.
type flusher struct {
	req  chan struct{}
	done chan error
}

// startFlusher starts flushing f on request; a failed fsync sets failed, so
// the copy stops reading, and is returned by stop.
func startFlusher(f *os.File, failed *atomic.Bool) *flusher {
	fl := &flusher{req: make(chan struct{}, 1), done: make(chan error, 1)}
	go func() {
		var err error
		for range fl.req {
			if err != nil {
				continue
			}
			if err = syncFile(f); err != nil {
				failed.Store(true)
			}
		}
		fl.done <- err
	}()
	return fl
}

// request asks for an fsync without waiting for it.
func (fl *flusher) request() {
	select {
	case fl.req <- struct{}{}:
	default: // one is already queued; it will cover these writes too
	}
}

// stop waits for the flushes asked for and returns the first error.
func (fl *flusher) stop() error {
	close(fl.req)
	return <-fl.done
}
