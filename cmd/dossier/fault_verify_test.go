package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob/s3"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/evidence"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

// faultAfterGets forwards to target and answers every GET of an object after
// the first pass with 503 SlowDown: the store failing midway through a read of all blobs.
func faultAfterGets(t *testing.T, target string, pass int64) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: target})
	var gets atomic.Int64
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.Count(strings.Trim(r.URL.Path, "/"), "/") > 0 && gets.Add(1) > pass {
			w.Header().Set("Content-Type", "application/xml")
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

// `dossier verify` with the blob store failing midway exits 1 and says the
// check stopped unfinished: it neither reports "ok" nor lists the blobs it
// could not read as missing or changed. Before, every unread blob was a
// "MISMATCH" and the summary said "FAILED: N version(s) missing or
// changed": an outage reported as damaged evidence.
func TestVerifyStoreFailsMidway(t *testing.T) {
	ctx := context.Background()
	srv := testenv.MinIO(t)
	data := t.TempDir()
	bucket := "verify-" + strings.ToLower(dossier.NewID())
	store, err := sqlstore.Open(ctx, filepath.Join(data, "dossier.db"))
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := s3.New(ctx, s3.Config{Endpoint: srv.Endpoint, Bucket: bucket, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	c := &dossier.Case{ID: dossier.NewID(), Number: "2026-VF-0001", Title: "货款纠纷",
		Creditor: dossier.Party{Name: "甲", Kind: dossier.PartyCompany}, Debtor: dossier.Party{Name: "乙", Kind: dossier.PartyCompany},
		Principal: 100, Currency: "CNY", DueDate: dossier.DateOf(now), Stage: dossier.StageNegotiation,
		CreatedBy: "u1", CreatedAt: now, UpdatedAt: now}
	if err := store.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	admin := &dossier.Actor{User: &dossier.User{ID: "u1", Username: "admin", Role: dossier.RoleAdmin}}
	v := &evidence.Vault{Store: store, Blobs: blobs}
	for i := 0; i < 3; i++ {
		body := make([]byte, 5000)
		_, _ = rand.Read(body)
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		_ = w.WriteField("kind", "contract")
		fw, _ := w.CreateFormFile("file", fmt.Sprintf("合同%d.pdf", i))
		_, _ = fw.Write(body)
		_ = w.Close()
		if _, _, err := v.Ingest(ctx, admin, c.ID, evidence.NewFormReader(&b, w.Boundary())); err != nil {
			t.Fatal(err)
		}
	}
	store.Close()

	cfg := &Config{DataDir: data, S3Endpoint: faultAfterGets(t, srv.Endpoint, 1), S3Bucket: bucket,
		S3AccessKey: srv.AccessKey, S3SecretKey: srv.SecretKey}
	var out, errb bytes.Buffer
	code := runVerify(ctx, cfg, nil, nil, &out, &errb)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, bad := range []string{"ok:", "MISMATCH", "missing or changed among"} {
		if strings.Contains(out.String(), bad) {
			t.Errorf("stdout says %q while the store failed:\n%s", bad, out.String())
		}
	}
	if !strings.Contains(out.String(), "INCOMPLETE") || !strings.Contains(errb.String(), "unavailable") {
		t.Errorf("the report does not say the check stopped because the store is unavailable:\n%s\n%s", out.String(), errb.String())
	}
}
