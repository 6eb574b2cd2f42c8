package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// apiCall sends a JSON request with a bearer token to the served binary.
func apiCall(t *testing.T, method, url, token string, body any, out any) int {
	t.Helper()
	var buf bytes.Buffer
	if body != nil {
		_ = json.NewEncoder(&buf).Encode(body)
	}
	req, _ := http.NewRequest(method, url, &buf)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		_ = json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode
}

// waitFile waits for a finished download named name in dir.
func waitFile(t *testing.T, dir, name string, max time.Duration) []byte {
	t.Helper()
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil && len(b) > 0 {
			return b
		}
		time.Sleep(300 * time.Millisecond)
	}
	ents, _ := os.ReadDir(dir)
	t.Fatalf("no %s downloaded in %s (%v)", name, dir, ents)
	return nil
}

// The auditor's day in the browser, in Chinese: filter the trail, export
// the selection with the page's button (the CSV holds the filtered events
// only), verify through a kept head the chain does not pass (the reason is
// Chinese), and a form's POST-only address typed in the address bar is a
// Chinese page, not JSON.
func TestBrowserAuditor(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts chromium")
	}
	downloads := t.TempDir()
	ctx := newBrowser(t, downloads)
	base := serve(t)

	var login struct{ Token string }
	if st := apiCall(t, http.MethodPost, base+"/api/v1/auth/login", "", map[string]string{"username": "admin", "password": adminPassword}, &login); st != http.StatusOK {
		t.Fatalf("admin login: %d", st)
	}
	if st := apiCall(t, http.MethodPost, base+"/api/v1/users", login.Token, map[string]string{"username": "shenji", "display_name": "审计 李",
		"role": "auditor", "password": adminPassword}, nil); st != http.StatusCreated {
		t.Fatalf("create auditor: %d", st)
	}
	for i := 0; i < 3; i++ {
		apiCall(t, http.MethodGet, base+"/api/v1/cases", login.Token, nil, nil)
	}

	j := &journey{t: t, ctx: ctx, base: base, dir: t.TempDir()}
	j.do("sign in", chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("#f-username")),
		chromedp.SendKeys(chromedp.CSS("#f-username"), "shenji"), chromedp.SendKeys(chromedp.CSS("#f-password"), adminPassword),
		clickNav("#login-submit"))
	j.do("audit filtered", chromedp.Navigate(base+"/audit?actor=admin&action=case.list"), chromedp.WaitVisible(chromedp.CSS("#audit-table")))
	j.do("export", chromedp.Click(chromedp.CSS("#audit-csv")))
	rows, err := csv.NewReader(bytes.NewReader(waitFile(t, downloads, "audit.csv", 60*time.Second))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 4 {
		t.Fatalf("export has %d rows, want the header and 3 events", len(rows))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, r := range rows[1:] {
		if r[col["actor"]] != "admin" || r[col["action"]] != "case.list" {
			t.Fatalf("the page's export holds an event outside its filter: %v", r)
		}
	}

	j.do("verify through a wrong head", chromedp.Navigate(base+"/audit"), chromedp.WaitVisible(chromedp.CSS("#anchors")),
		chromedp.SendKeys(chromedp.CSS("#anchors"), "1:"+strings.Repeat("0", 64)),
		clickNav(`#audit-verify-anchored button[type=submit]`))
	if v := j.text("#audit-verify"); !strings.Contains(v, "✘") || strings.Contains(v, "differs") || !anyHan.MatchString(v) {
		t.Errorf("verification through a wrong head reads %q", v)
	}

	j.do("address bar on a POST address", chromedp.Navigate(base+"/logout"), chromedp.WaitVisible(chromedp.CSS("main")))
	if lang := j.eval(`document.documentElement.lang`); lang != "zh-CN" {
		t.Errorf("GET /logout: page language %q", lang)
	}
	if m := j.text("main"); !strings.Contains(m, "不支持的操作") {
		t.Errorf("GET /logout shows %q", m)
	}
}
