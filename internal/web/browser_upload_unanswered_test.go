package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserUploadUnanswered: an upload the server never answered in its
// own words still says why it failed. A connection that broke (a proxy's
// timeout, a restart) read a bare "失败", leaving the lawyer to guess
// whether the file was stored; a proxy's own 413 page (nginx's default
// client_max_body_size is 1 MB) read "失败 (413)". Only a browser runs the
// upload script, so only a browser can show its row.
func TestBrowserUploadUnanswered(t *testing.T) {
	if testing.Short() {
		t.Skip("starts chromium")
	}
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0790", "")
	target, _ := url.Parse(e.srv.URL)
	rp := httputil.NewSingleHostReverseProxy(target)
	fault := ""
	px := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/api/") {
			switch fault {
			case "drop":
				conn, _, err := http.NewResponseController(w).Hijack()
				if err == nil {
					conn.Close()
				}
				return
			case "500":
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = w.Write([]byte(`{"type":"https://dossier.invalid/problems/internal","title":"Internal Server Error",` +
					`"status":500,"detail":"internal error","request_id":"5f0c1a2b3c4d5e6f"}`))
				return
			case "413":
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusRequestEntityTooLarge)
				_, _ = w.Write([]byte("<html><body><h1>413 Request Entity Too Large</h1><hr>nginx</body></html>"))
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(px.Close)

	ctx := newBrowser(t, t.TempDir())
	j := &journey{t: t, ctx: ctx, base: px.URL, dir: t.TempDir()}
	j.do("sign in", chromedp.Navigate(px.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("#f-username")),
		chromedp.SendKeys(chromedp.CSS("#f-username"), "admin"), chromedp.SendKeys(chromedp.CSS("#f-password"), adminPassword),
		chromedp.Click(chromedp.CSS("#login-submit")), chromedp.WaitVisible(chromedp.CSS("#new-case")))
	files := testFiles(t)
	for i, tt := range []struct {
		name, fault string
		want        []string // in the row, after 失败：
	}{
		{"ErrConnectionBroke", "drop", []string{"连接中断", "刷新"}},
		{"ErrProxyTooLarge", "413", []string{"超过上传上限"}},
		// The server's own 500 said "internal error" in English on a
		// Chinese page; it now says so in Chinese, with the request's ID
		// for the administrator's log.
		{"ErrInternal", "500", []string{"服务器内部错误", "未保存", "5f0c1a2b3c4d5e6f"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fault = tt.fault
			j.do("case page", chromedp.Navigate(px.URL+"/cases/"+c.ID), chromedp.WaitVisible(chromedp.CSS("#up-files")))
			j.do("upload", chromedp.SetUploadFiles(chromedp.CSS("#up-files"), files[i:i+1]),
				poll(`document.querySelector("[data-upload]").getAttribute("data-finished") !== ""`+
					` && document.querySelectorAll("#uploads li").length === 1`))
			row := j.eval(`document.querySelector("#uploads li span:last-child").textContent`)
			if !strings.HasPrefix(row, "失败：") || strings.Contains(row, "(") {
				t.Errorf("row %q, want 失败： and why, without a status number in ASCII brackets", row)
			}
			for _, w := range tt.want {
				if !strings.Contains(row, w) {
					t.Errorf("row %q lacks %q", row, w)
				}
			}
		})
	}
}
