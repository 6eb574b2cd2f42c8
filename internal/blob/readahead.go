package blob

import (
	"errors"
	"io"
	"sync"
)

// Readahead reads its source on a goroutine of its own into a few buffers,
// so a store that fills a part before it sends it (s3) keeps receiving
// while it works on the last bytes: on a machine with a spare core a Put
// then runs at the speed of the slower side instead of their sum. Memory
// is bounded by n buffers of size bytes.
type Readahead struct {
	full, free chan []byte
	stop, done chan struct{}
	n, size    int
	err        error // set before full is closed
	cur, last  []byte
	closeOnce  sync.Once
}

// NewReadahead starts reading r. The caller must Close it.
func NewReadahead(r io.Reader, n, size int) *Readahead {
	ra := &Readahead{full: make(chan []byte, n), free: make(chan []byte, n),
		stop: make(chan struct{}), done: make(chan struct{}), n: n, size: size}
	go ra.run(r)
	return ra
}

// errAbandoned ends the reading goroutine when its reader was closed early.
var errAbandoned = errors.New("blob: readahead closed")

func (ra *Readahead) run(r io.Reader) {
	defer close(ra.done)
	defer close(ra.full)
	made := 0 // buffers are made as the source needs them: a small one gets one
	for {
		var buf []byte
		select {
		case buf = <-ra.free:
		default:
			if made < ra.n {
				made++
				buf = make([]byte, ra.size)
				break
			}
			select {
			case buf = <-ra.free:
			case <-ra.stop:
				ra.err = errAbandoned
				return
			}
		}
		select {
		case <-ra.stop:
			ra.err = errAbandoned
			return
		default:
		}
		// Whole buffers: few handovers whatever the source's chunking.
		n, err := Fill(r, buf[:cap(buf)])
		if n > 0 {
			ra.full <- buf[:n] // never blocks: full holds every buffer
		}
		if err != nil {
			ra.err = err
			return
		}
	}
}

// Read returns the bytes read ahead, then the source's own error (io.EOF
// at its end).
func (ra *Readahead) Read(p []byte) (int, error) {
	for len(ra.cur) == 0 {
		if ra.last != nil {
			ra.free <- ra.last[:cap(ra.last)]
			ra.last = nil
		}
		buf, ok := <-ra.full
		if !ok {
			return 0, ra.err
		}
		ra.cur, ra.last = buf, buf
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	return n, nil
}

// Close stops the reading goroutine and waits for it, so nobody touches the
// source afterwards; a source still delivering is read at most one more
// buffer.
func (ra *Readahead) Close() {
	ra.closeOnce.Do(func() { close(ra.stop) })
	<-ra.done
}
