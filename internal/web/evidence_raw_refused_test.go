package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/testenv"
)

// The preview/download of an exhibit whose bytes the blob store refuses to
// send (S3 answering the HEAD, refusing the GET, as an overloaded MinIO
// does) is the 503 error page in the user's language, with none of the
// download's headers; before, the 200 went out first and the body broke
// off at its first byte.
func TestEvidenceRawStoreRefusesRead(t *testing.T) {
	store, proxy := testenv.FaultyS3(t, false)
	e := newEnvOn(t, false, store, false)
	c := e.newCase("2026-HZ-0191", "")
	b := e.client()
	b.login("admin")
	data := []byte(strings.Repeat("借款合同第一条。", 2000))
	id := uploaded(t, b, c.ID, "合同.txt", "contract", data)

	get := func(rng string) *response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/evidence/"+id+"/raw", nil)
		req.Header.Set("Accept", "text/html")
		if rng != "" {
			req.Header.Set("Range", rng)
		}
		return b.do(req)
	}
	for _, tc := range []struct{ lang, title string }{{"zh-CN", "服务暂不可用"}, {"en", "Service unavailable"}} {
		tok := b.csrf("/cases/" + c.ID)
		if r := b.post("/lang", url.Values{"csrf": {tok}, "lang": {tc.lang}, "back": {"/"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("lang %s: %d", tc.lang, r.Status)
		}
		for _, rng := range []string{"", "bytes=100-199", "bytes=0-9,200-209"} {
			proxy.Fail("GET", 503, "SlowDown")
			r := get(rng)
			proxy.Heal()
			if r.Status != http.StatusServiceUnavailable || !strings.Contains(r.Body, tc.title) ||
				!strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
				t.Errorf("%s range %q with the store refusing reads: %d %q\n%.300s", tc.lang, rng, r.Status,
					r.Header.Get("Content-Type"), r.Body)
				continue
			}
			for _, h := range []string{"Content-Disposition", "Content-Range", "ETag", "Last-Modified"} {
				if v := r.Header.Get(h); v != "" {
					t.Errorf("%s range %q: the error page carries the download's %s: %q", tc.lang, rng, h, v)
				}
			}
		}
	}
	if proxy.Refused() == 0 {
		t.Fatal("the proxy refused nothing")
	}
	// Once the store answers again the same addresses serve the bytes.
	if r := get(""); r.Status != http.StatusOK || !bytes.Equal([]byte(r.Body), data) {
		t.Errorf("whole, store working: %d, %d bytes", r.Status, len(r.Body))
	}
	if r := get("bytes=100-199"); r.Status != http.StatusPartialContent || r.Body != string(data[100:200]) {
		t.Errorf("range, store working: %d %q", r.Status, r.Body)
	}
	if r := get("bytes=0-9,200-209"); r.Status != http.StatusPartialContent ||
		!strings.Contains(r.Body, string(data[0:10])) || !strings.Contains(r.Body, string(data[200:210])) {
		t.Errorf("ranges, store working: %d %.200q", r.Status, r.Body)
	}
}
