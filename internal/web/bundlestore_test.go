package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/testenv"
)

// The page's "下载 ZIP" with the blob store down is the 503 error page in
// the user's language; before, the 200 and the ZIP's headers went out
// first and the archive broke off at its first file.
func TestBundleDownloadStoreDownIsAPage(t *testing.T) {
	store, proxy := testenv.FaultyS3(t, false)
	e := newEnvOn(t, false, store, false)
	b := e.client()
	b.login("admin")
	c := e.newCase("2026-HZ-0192", "")
	bid := newBundle(t, b, c.ID, "一审证据", map[string][]byte{"说明.txt": []byte(strings.Repeat("对方确认欠款。", 500))})

	proxy.Fail("", 503, "SlowDown")
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/bundles/"+bid+"/download", nil)
	req.Header.Set("Accept", "text/html")
	r := b.do(req)
	proxy.Heal()
	if proxy.Refused() == 0 {
		t.Fatal("the proxy refused nothing")
	}
	if r.Status != http.StatusServiceUnavailable || !strings.Contains(r.Body, "服务暂不可用") ||
		r.Header.Get("Content-Disposition") != "" {
		t.Fatalf("download with the store down: %d %q %q\n%.300s", r.Status, r.Header.Get("Content-Type"),
			r.Header.Get("Content-Disposition"), r.Body)
	}
	if r := b.do(req); r.Status != http.StatusOK || !strings.HasPrefix(r.Body, "PK") {
		t.Fatalf("download once the store works: %d %.40q", r.Status, r.Body)
	}
}
