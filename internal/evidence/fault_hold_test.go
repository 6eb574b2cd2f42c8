package evidence_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/s3"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/testenv"
)

// Lifting a legal hold while the blob store refuses to change the objects'
// lock is refused (503) and changes nothing: the record stays on hold, as
// the stored bytes do. Before, the record was released first and stayed
// released, so the API answered 503 for a hold it had lifted, the audit
// trail showed only a failed request, and the record claimed no hold while
// the storage kept one.
func TestReleaseHoldStoreRefuses(t *testing.T) {
	ctx := context.Background()
	f, proxy := faultVault(t, true)
	e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", random(5000)))
	if err != nil {
		t.Fatal(err)
	}
	on, off := true, false
	if _, err := f.vault.Hold(ctx, f.admin, e.ID, &on, "诉讼保全"); err != nil {
		t.Fatal(err)
	}
	proxy.Fail("PUT", 503, "SlowDown")
	_, err = f.vault.Hold(ctx, f.admin, e.ID, &off, "和解")
	if dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
		t.Errorf("release with the store refusing: %v (code %s), want %s", err, dossier.ErrorCode(err), dossier.EUNAVAILABLE)
	}
	if proxy.Refused() == 0 {
		t.Fatal("no request was refused: the test tests nothing")
	}
	proxy.Heal()
	cur, err := f.store.Evidence(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !cur.Hold || cur.HoldReason != "诉讼保全" {
		t.Errorf("after a refused release the record says hold=%v reason=%q, want the hold kept", cur.Hold, cur.HoldReason)
	}
	if err := f.vault.Blobs.Delete(ctx, e.SHA256); !errors.Is(err, blob.ErrLocked) {
		t.Fatalf("the stored bytes are not locked: delete answered %v", err)
	}
	if cur, err = f.vault.Hold(ctx, f.admin, e.ID, &off, "和解"); err != nil || cur.Hold {
		t.Fatalf("release once the store works: %+v, %v", cur, err)
	}
}

// A hold the storage refuses leaves the record without it and the bytes
// as they were.
func TestPlaceHoldStoreRefuses(t *testing.T) {
	ctx := context.Background()
	f, proxy := faultVault(t, true)
	e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", random(5000)))
	if err != nil {
		t.Fatal(err)
	}
	on := true
	proxy.Fail("PUT", 507, "XMinioStorageFull")
	if _, err := f.vault.Hold(ctx, f.admin, e.ID, &on, "诉讼保全"); dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
		t.Errorf("hold with the store refusing: %v (code %s), want %s", err, dossier.ErrorCode(err), dossier.EUNAVAILABLE)
	}
	proxy.Heal()
	if cur, err := f.store.Evidence(ctx, e.ID); err != nil || cur.Hold {
		t.Errorf("after a refused hold the record says hold=%v (%v)", cur.Hold, err)
	}
}

// failNth forwards to target and answers only the nth request match
// selects with 503 SlowDown.
func failNth(t *testing.T, target string, match func(*http.Request) bool, n int64) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: target})
	var seen atomic.Int64
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if match(r) && seen.Add(1) == n {
			w.Header().Set("Content-Type", "application/xml")
			w.Header().Set("Connection", "close")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>`+
				`<Message>injected by the test</Message><Resource>%s</Resource><RequestId>fault</RequestId></Error>`, r.URL.Path)
			return
		}
		rp.ServeHTTP(w, r)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// A hold that fails partway (the first version's bytes locked, the
// second's refused) leaves no version locked: the record has no hold, so
// the storage must not enforce one either. Before, the first version stayed
// under a legal hold nobody could see or lift through the record.
func TestPlaceHoldFailsPartway(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "sqlite")
	srv := testenv.MinIO(t)
	var armed atomic.Bool
	legalHold := func(r *http.Request) bool {
		_, ok := r.URL.Query()["legal-hold"]
		return armed.Load() && r.Method == http.MethodPut && ok
	}
	blobs, err := s3.New(ctx, s3.Config{Endpoint: failNth(t, srv.Endpoint, legalHold, 2), MaxRetries: 1, ObjectLocking: true,
		Bucket: "part-" + strings.ToLower(dossier.NewID()), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	f.vault.Blobs = blobs
	e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", random(5000)))
	if err != nil {
		t.Fatal(err)
	}
	e2, _, err := f.vault.AddVersion(ctx, f.admin, e.ID, form(t, "", "合同v2.pdf", random(5000)))
	if err != nil {
		t.Fatal(err)
	}
	on := true
	armed.Store(true)
	if _, err := f.vault.Hold(ctx, f.admin, e.ID, &on, "诉讼保全"); dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
		t.Fatalf("hold with the second lock refused: %v (code %s), want %s", err, dossier.ErrorCode(err), dossier.EUNAVAILABLE)
	}
	if cur, err := f.store.Evidence(ctx, e.ID); err != nil || cur.Hold {
		t.Fatalf("after a refused hold the record says hold=%v (%v)", cur.Hold, err)
	}
	for _, sha := range []string{e.SHA256, e2.SHA256} {
		if err := blobs.Delete(ctx, sha); err != nil {
			t.Errorf("blob %s is still locked after the hold was refused: %v", sha, err)
		}
	}
}
