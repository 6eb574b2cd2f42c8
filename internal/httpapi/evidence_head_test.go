package httpapi_test

import (
	"context"
	"io"
	"sync/atomic"
	"testing"

	"github.com/dossier/dossier/internal/blob"
)

// readCounter is a blob store that counts the stored bytes read through it.
type readCounter struct {
	blob.Store
	read atomic.Int64
}

func (s *readCounter) Open(ctx context.Context, sha string, off, n int64) (io.ReadCloser, error) {
	rc, err := s.Store.Open(ctx, sha, off, n)
	if err != nil {
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{io.TeeReader(rc, countWriter{&s.read}), rc}, nil
}

type countWriter struct{ n *atomic.Int64 }

func (w countWriter) Write(p []byte) (int, error) { w.n.Add(int64(len(p))); return len(p), nil }

// A HEAD of evidence content answers the GET's headers without reading the
// stored bytes: it read the first byte, which on S3 starts a GET of the whole
// object (hundreds of MB for a recording) only to drop it. Bytes that are
// gone still fail the HEAD as they fail the GET.
func TestEvidenceHeadReadsNoBytes(t *testing.T) {
	e := newEnv(t, "sqlite")
	store := &readCounter{Store: newBlobs(t, "disk")}
	withVault(t, e, store, 0, 1<<30)
	admin := e.login("admin", adminPassword)
	c := e.createCase(admin, "2026-HEAD-0002")
	data := randomBytes(5 << 20)
	ev := e.mustUpload(admin, c.ID, "recording", "通话录音.bin", data, 201)
	path := "/api/v1/evidence/" + ev.ID + "/content"
	for _, rng := range []string{"", "bytes=100-199", "bytes=-10"} {
		store.read.Store(0)
		head := e.send("HEAD", path, admin, "", nil, map[string]string{"Range": rng})
		get := e.send("GET", path, admin, "", nil, map[string]string{"Range": rng})
		if head.Status != get.Status || head.Header.Get("Content-Length") != get.Header.Get("Content-Length") ||
			head.Header.Get("Content-Range") != get.Header.Get("Content-Range") || len(head.Body) != 0 {
			t.Fatalf("Range %q: HEAD %d %q %q, GET %d %q %q", rng, head.Status, head.Header.Get("Content-Length"),
				head.Header.Get("Content-Range"), get.Status, get.Header.Get("Content-Length"), get.Header.Get("Content-Range"))
		}
		if got, want := store.read.Load(), int64(len(get.Body)); got != want {
			t.Errorf("Range %q: %d stored bytes read for a HEAD and a GET of %d", rng, got, want)
		}
	}
	if err := store.Delete(context.Background(), ev.SHA256); err != nil {
		t.Fatal(err)
	}
	if r := e.send("HEAD", path, admin, "", nil, nil); r.Status != 500 {
		t.Errorf("HEAD of missing bytes: %d, want 500 as the GET", r.Status)
	}
}
