package blob_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/dossier/dossier/internal/blob"
)

// Every byte comes through in order whatever the source's chunking and the
// reader's, then the source's own error: io.EOF at the end, and a broken
// source's io.ErrUnexpectedEOF unchanged, not taken for the end.
func TestReadahead(t *testing.T) {
	const size = 16
	data := make([]byte, 5*size+7)
	for i := range data {
		data[i] = byte(i * 7)
	}
	sources := map[string]func([]byte) io.Reader{
		"whole":    func(b []byte) io.Reader { return bytes.NewReader(b) },
		"one-byte": func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) },
		"data+EOF": func(b []byte) io.Reader { return iotest.DataErrReader(bytes.NewReader(b)) },
	}
	for name, mk := range sources {
		for _, n := range []int{0, 1, size - 1, size, size + 1, len(data)} {
			for _, fail := range []error{io.EOF, io.ErrUnexpectedEOF} {
				t.Run(fmt.Sprintf("%s/%d/%v", name, n, fail), func(t *testing.T) {
					src := mk(data[:n])
					if fail != io.EOF {
						src = io.MultiReader(src, iotest.ErrReader(fail))
					}
					ra := blob.NewReadahead(src, 3, size)
					defer ra.Close()
					var got []byte
					buf := make([]byte, 5)
					var err error
					for err == nil {
						var m int
						m, err = ra.Read(buf)
						got = append(got, buf[:m]...)
					}
					if err != fail {
						t.Fatalf("err = %v, want %v", err, fail)
					}
					if !bytes.Equal(got, data[:n]) {
						t.Fatalf("got %d bytes %x, want %x", len(got), got, data[:n])
					}
				})
			}
		}
	}
}

// Close returns only once the goroutine has stopped reading the source:
// after it, nobody reads the source again (a request body must be idle
// when the handler moves on).
func TestReadaheadCloseWaits(t *testing.T) {
	src := &gatedReader{gate: make(chan struct{})}
	ra := blob.NewReadahead(src, 2, 8)
	for src.reads.Load() == 0 {
		time.Sleep(time.Millisecond) // the goroutine is inside its first Read
	}
	closed := make(chan struct{})
	go func() { ra.Close(); close(closed) }()
	select {
	case <-closed:
		t.Fatal("Close returned while the source was being read")
	case <-time.After(50 * time.Millisecond):
	}
	close(src.gate)
	<-closed
	n := src.reads.Load()
	time.Sleep(20 * time.Millisecond)
	if src.reads.Load() != n {
		t.Fatal("the source was read after Close returned")
	}
	// What was read before Close may still come out; then the end must not
	// pass for the source's io.EOF.
	var err error
	for err == nil {
		_, err = ra.Read(make([]byte, 64))
	}
	if errors.Is(err, io.EOF) {
		t.Fatal("a closed readahead ends with io.EOF")
	}
}

// gatedReader blocks every Read until gate is closed, then yields bytes.
type gatedReader struct {
	gate  chan struct{}
	reads atomic.Int64
}

func (g *gatedReader) Read(p []byte) (int, error) {
	g.reads.Add(1)
	<-g.gate
	return copy(p, "xxxxxxxx"), nil
}
