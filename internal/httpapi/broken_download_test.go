package httpapi_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A download that fails after its 200 went out must not look complete to
// the client: a bundle whose second file was damaged in the store arrives
// as a transfer error (the connection is dropped, no final chunk), never as
// a clean end of a cut ZIP; its audit event says error and where it broke.
func TestBrokenDownloadIsNotComplete(t *testing.T) {
	be := newBundleEnv(t, "sqlite")
	body := map[string]any{"title": "一审证据", "items": []map[string]string{
		{"evidence_id": be.items[0].ID, "purpose": "证明欠款金额"}, {"evidence_id": be.items[1].ID, "purpose": "证明已催收"}}}
	r := be.do("POST", "/api/v1/cases/"+be.caseID+"/bundles", be.admin, body)
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var b struct{ ID string }
	r.json(t, &b)
	sha := be.items[1].SHA256
	p := filepath.Join(be.blobs.Root(), sha[0:2], sha[2:4], sha)
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(strings.Repeat("x", int(be.items[1].Size))), 0o644); err != nil {
		t.Fatal(err)
	}

	req, _ := http.NewRequest("GET", be.srv.URL+"/api/v1/bundles/"+b.ID+"/download", nil)
	req.Header.Set("Authorization", "Bearer "+be.admin)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("download: %d", res.StatusCode)
	}
	if err == nil {
		t.Fatalf("the broken download ended cleanly after %d bytes: a client takes it for the whole bundle", len(got))
	}
	var found bool
	for _, ev := range be.auditEvents("bundle.download") {
		if ev.ObjectID == b.ID || strings.Contains(ev.Detail, b.ID) {
			found = true
			if ev.Outcome != "error" || !strings.Contains(ev.Detail, "broken off after 200") {
				t.Errorf("audit event of the broken download: outcome %q, detail %q", ev.Outcome, ev.Detail)
			}
		}
	}
	if !found {
		t.Error("no audit event for the bundle download")
	}
}
