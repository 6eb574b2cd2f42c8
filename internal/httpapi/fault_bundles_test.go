package httpapi_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/testenv"
)

// Downloading a bundle while the blob store is down is 503 problem+json,
// and a share link's download is not counted: the client may retry, and
// the link's last allowed download is still there once the store is back.
// Before, the 200 and the ZIP's headers went out first and the body broke
// off at the first file: a download that could not work, answered 200,
// audited as a success, and (through a share link) counted against
// max_downloads.
func TestBundleDownloadStoreDown(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "sqlite")
	blobs, proxy := testenv.FaultyS3(t, false)
	withBundles(t, e, blobs)
	admin := e.login("admin", adminPassword)
	c := e.createCase(admin, "2026-DL-0001")
	data := []byte("对账单：尚欠货款386,500.00元。")
	ref, err := blobs.Put(ctx, bytes.NewReader(data), "")
	if err != nil {
		t.Fatal(err)
	}
	ev := &dossier.Evidence{CaseID: c.ID, Kind: "statement", Title: "对账单", Filename: "statement.txt",
		MediaType: "text/plain", Size: ref.Size, SHA256: ref.SHA256, TextStatus: dossier.TextNone,
		CreatedBy: "admin", CreatedAt: time.Now().UTC()}
	if err := e.store.CreateEvidence(ctx, ev); err != nil {
		t.Fatal(err)
	}
	r := e.do("POST", "/api/v1/cases/"+c.ID+"/bundles", admin, map[string]any{"title": "一审证据",
		"items": []map[string]string{{"evidence_id": ev.ID, "purpose": "证明欠款"}}})
	if r.Status != 201 {
		t.Fatalf("create bundle: %d %s", r.Status, r.Body)
	}
	var b dossier.Bundle
	r.json(t, &b)
	r = e.do("POST", "/api/v1/bundles/"+b.ID+"/shares", admin, map[string]any{
		"expires_at": time.Now().Add(time.Hour).Format(time.RFC3339), "max_downloads": 1})
	if r.Status != 201 {
		t.Fatalf("create share: %d %s", r.Status, r.Body)
	}
	var sh struct{ Token string }
	r.json(t, &sh)

	proxy.Fail("", 503, "SlowDown")
	for _, path := range []string{"/api/v1/bundles/" + b.ID + "/download", "/s/" + sh.Token + "/download"} {
		r := e.do("GET", path, admin, nil)
		if r.Status != 503 {
			t.Errorf("GET %s with the store down: %d %.200q, want 503", path, r.Status, r.Body)
			continue
		}
		if p := r.problem(t); p.Status != 503 {
			t.Errorf("GET %s: problem %+v", path, p)
		}
	}
	proxy.Heal()
	if r := e.do("GET", "/s/"+sh.Token+"/download", "", nil); r.Status != 200 || r.Header.Get("Content-Type") != "application/zip" {
		t.Errorf("share download once the store is back: %d %.200q, want the ZIP (the refused one must not count)", r.Status, r.Body)
	}
}
