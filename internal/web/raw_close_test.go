package web_test

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/disk"
)

// openCounting is the disk store counting the blob readers it opened and
// that are not closed yet.
type openCounting struct {
	blob.Store
	open atomic.Int64
}

func (s *openCounting) Open(ctx context.Context, sha string, off, n int64) (io.ReadCloser, error) {
	rc, err := s.Store.Open(ctx, sha, off, n)
	if err != nil {
		return nil, err
	}
	s.open.Add(1)
	return &countedReader{ReadCloser: rc, s: s}, nil
}

type countedReader struct {
	io.ReadCloser
	s      *openCounting
	closed atomic.Bool
}

func (r *countedReader) Close() error {
	if r.closed.CompareAndSwap(false, true) {
		r.s.open.Add(-1)
	}
	return r.ReadCloser.Close()
}

// waitClosed waits until every blob reader the requests opened is closed;
// the handler may still be returning when the client has its bytes.
func (s *openCounting) waitClosed(t *testing.T, what string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); s.open.Load() != 0; {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d blob reader(s) left open after the request ended", what, s.open.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A preview or download that does not read the stored bytes to their end (a
// range, as a media element asks for, or a browser that leaves the page
// mid-download) closes the blob reader it opened. It was left open: a file
// descriptor or an S3 connection per request and, from 4 MiB on, the
// goroutine hashing the bytes, blocked for good.
func TestEvidenceRawClosesBlobReader(t *testing.T) {
	d, err := disk.New(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	store := &openCounting{Store: d}
	e := newEnvOn(t, false, store, false)
	c := e.newCase("2026-HZ-0192", "")
	b := e.client()
	b.login("admin")
	data := []byte(strings.Repeat("借款合同第一条，借款人应按期还款。", 200_000)) // 9.6 MB: hashed beside the copy
	id := uploaded(t, b, c.ID, "合同.txt", "contract", data)
	store.waitClosed(t, "upload")

	for _, rng := range []string{"bytes=0-99", "bytes=100-199", "bytes=0-9,200-209"} {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/evidence/"+id+"/raw", nil)
		req.Header.Set("Range", rng)
		if r := b.do(req); r.Status != http.StatusPartialContent {
			t.Fatalf("range %s: %d", rng, r.Status)
		}
		store.waitClosed(t, "range "+rng)
	}

	// The client leaves after the first bytes of the whole file.
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/evidence/"+id+"/raw", nil)
	res, err := b.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(res.Body, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	store.waitClosed(t, "download left midway")

	// A whole download still checks and delivers every byte.
	if r := b.get("/evidence/" + id + "/raw"); r.Status != http.StatusOK || r.Body != string(data) {
		t.Fatalf("whole: %d, %d bytes", r.Status, len(r.Body))
	}
	store.waitClosed(t, "whole download")
}
