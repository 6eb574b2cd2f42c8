package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/web"
)

// TestVersionBytesOfAnotherItemNamesIt: a new version whose bytes another
// item of the case already holds is refused naming that item by its title,
// which the lawyer knows, not by a hex ID alone; the API keeps the ID for
// its clients, and a Chinese page reads it in Chinese.
func TestVersionBytesOfAnotherItemNamesIt(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("R21B-VO", "")
	b := e.client()
	b.login("admin")
	csrf := b.csrf("/cases/" + c.ID)
	item := func(title string, data []byte) string {
		t.Helper()
		r := b.uploadWith(c.ID, csrf, [][2]string{{"kind", "contract"}, {"title", title}}, title+".txt", data)
		var ev struct{ ID string }
		if err := json.Unmarshal([]byte(r.Body), &ev); err != nil || r.Status != http.StatusCreated {
			t.Fatalf("upload %s: %d %s", title, r.Status, r.Body)
		}
		return ev.ID
	}
	contract := item("采购合同", []byte("采购合同正文"))
	invoice := item("发票", []byte("发票正文"))
	version := func() (int, string) {
		t.Helper()
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "合同.txt")
		_, _ = fw.Write([]byte("采购合同正文"))
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/api/v1/evidence/"+invoice+"/versions", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set(web.CSRFHeader, csrf)
		r := b.do(req)
		var p struct{ Detail string }
		if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
			t.Fatalf("%d: %s", r.Status, r.Body)
		}
		return r.Status, p.Detail
	}
	status, zh := version()
	if status != http.StatusConflict || !strings.Contains(zh, "「采购合同」") || !strings.Contains(zh, contract) ||
		strings.Contains(zh, "bytes") {
		t.Errorf("Chinese page: %d %q, want a conflict naming 「采购合同」 and its ID in Chinese", status, zh)
	}
	// The API's own English names the title and keeps the ID.
	if err := e.acc.SetLang(t.Context(), e.admin, "en"); err != nil {
		t.Fatal(err)
	}
	status, en := version()
	if status != http.StatusConflict || !strings.Contains(en, `"采购合同"`) || !strings.Contains(en, contract) {
		t.Errorf("English: %d %q, want a conflict naming \"采购合同\" and its ID", status, en)
	}
}
