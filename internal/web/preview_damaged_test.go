package web_test

import (
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// The inline preview of an exhibit whose stored bytes changed stops before
// its last byte (the vault checks the digest) and is audited as the API's
// download is: outcome error, broken off, FIXITY FAILED; the connection is
// dropped. Before, the handler ignored what http.ServeContent met, so the
// trail recorded a successful copy of the exhibit.
func TestEvidencePreviewOfDamagedBytes(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0190", "")
	b := e.client()
	b.login("admin")
	data := []byte(strings.Repeat("借款合同第一条。", 4000))
	id := uploaded(t, b, c.ID, "合同.txt", "contract", data)
	ev, err := e.store.Evidence(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	// The blob store lives in one of the test's temporary directories.
	var p string
	_ = filepath.WalkDir(filepath.Dir(t.TempDir()), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == ev.SHA256 {
			p = path
		}
		return nil
	})
	if p == "" {
		t.Fatal("stored blob not found")
	}
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(strings.Repeat("x", len(data))), 0o644); err != nil {
		t.Fatal(err)
	}
	before := time.Now()

	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/evidence/"+id+"/raw", nil)
	res, err := b.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err == nil {
		t.Errorf("the preview of damaged bytes ended cleanly after %d bytes", len(got))
	}
	if err := e.audit.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	evs, err := e.store.Events(t.Context(), dossier.AuditFilter{Action: "web.evidence.content", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, a := range evs {
		if a.At.Before(before.Add(-time.Second)) || a.ObjectID != id {
			continue
		}
		found = true
		if a.Outcome != dossier.OutcomeError || !strings.Contains(a.Detail, "FIXITY FAILED") || !strings.Contains(a.Detail, "broken off after 200") {
			t.Errorf("audit of the damaged preview: outcome %q detail %q", a.Outcome, a.Detail)
		}
	}
	if !found {
		t.Error("no audit event for the preview")
	}
}
