package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/web"
)

var langBackRE = regexp.MustCompile(`name="back" value="([^"]+)"`)

// TestLanguageSwitchAfterPost: a page rendered in answer to a POST (form
// errors, a check's result, a refusal) offers a language switch that lands
// on a page: its GET equivalent, or the page the form was on.
func TestLanguageSwitchAfterPost(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0904", "")
	b := e.client()
	b.login("admin")
	eid := uploaded(t, b, c.ID, "合同.txt", "contract", []byte("买卖合同"))
	bid := newBundle(t, b, c.ID, "一审证据", map[string][]byte{"说明.txt": []byte("对方确认欠款。")})
	tok := b.csrf("/cases/" + c.ID)
	tests := []struct {
		name, path, referer string
		form                url.Values
		back                string
	}{
		{"ShareForm", "/bundles/" + bid + "/shares", "", url.Values{"expires": {"2020-01-01"}}, "/bundles/" + bid},
		{"Verify", "/evidence/" + eid + "/verify", "", nil, "/evidence/" + eid},
		{"Communication", "/cases/" + c.ID + "/communications", "", url.Values{"summary": {""}}, "/cases/" + c.ID},
		{"Payment", "/cases/" + c.ID + "/payments", "", url.Values{"amount": {"x"}}, "/cases/" + c.ID},
		{"PaymentReverse", "/cases/" + c.ID + "/payments/reverse", "", url.Values{"reverses": {"nope"}}, "/cases/" + c.ID},
		{"Admin", "/admin/users", "", url.Values{"username": {""}}, "/admin"},
		{"BundleForm", "/cases/" + c.ID + "/bundles", "", url.Values{"title": {""}}, "/cases/" + c.ID + "/bundles"},
		{"CaseFormReferer", "/cases", "/cases/new", url.Values{"number": {""}}, "/cases/new"},
		{"CaseFormNoReferer", "/cases", "", url.Values{"number": {""}}, "/cases"},
		{"ErrOffsiteReferer", "/cases", "http://evil.example/cases/new", url.Values{"number": {""}}, "/cases"},
		{"ErrPostOnlyReferer", "/bundles/" + bid + "/shares", "/bundles/" + bid + "/shares", url.Values{"expires": {"2020-01-01"}}, "/bundles/" + bid},
		{"ErrStaleForm", "/cases/" + c.ID + "/stage", "", url.Values{"csrf": {"AAAA" + tok[4:]}}, "/cases/" + c.ID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"csrf": {tok}}
			for k, v := range tt.form {
				form[k] = v
			}
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+tt.path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.referer != "" {
				ref := tt.referer
				if strings.HasPrefix(ref, "/") {
					ref = e.srv.URL + ref
				}
				req.Header.Set("Referer", ref)
			}
			r := b.do(req)
			m := langBackRE.FindStringSubmatch(r.Body)
			if m == nil {
				t.Fatalf("%d page without a language switch:\n%s", r.Status, r.Body)
			}
			if back := strings.ReplaceAll(m[1], "&amp;", "&"); back != tt.back {
				t.Fatalf("%d page: switch returns to %q, want %q", r.Status, back, tt.back)
			}
			sw := b.post("/lang", url.Values{"csrf": {tok}, "lang": {"zh-CN"}, "back": {m[1]}})
			page := b.get(sw.Header.Get("Location"))
			if page.Status != http.StatusOK {
				t.Fatalf("switch lands on %s: %d", sw.Header.Get("Location"), page.Status)
			}
		})
	}
}

// TestStaleForm: a form whose token no longer matches (sent before a
// restart with another key, or from another session) is refused with 403
// and told so plainly, in the page's language, not as "not allowed".
func TestStaleForm(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0905", "")
	b := e.client()
	b.login("admin")
	tok := b.csrf("/cases/" + c.ID)
	tests := []struct {
		lang, want, not string
	}{
		{"zh-CN", "表单已过期", "无权执行此操作"},
		{"en", "This form has expired", "You may not do this"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			b.post("/lang", url.Values{"csrf": {tok}, "lang": {tt.lang}, "back": {"/"}})
			r := b.post("/cases/"+c.ID+"/stage", url.Values{"stage": {"closed"}, "csrf": {"AAAA" + tok[4:]}})
			if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "<h1>403") || !strings.Contains(r.Body, tt.want) ||
				strings.Contains(r.Body, tt.not) {
				t.Fatalf("stale form: %d\n%s", r.Status, r.Body)
			}
		})
	}
}

// TestCSRFKeyFile: the key that signs form tokens is made once and read
// back on the next start, so forms open in browsers survive a restart.
func TestCSRFKeyFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "web-csrf.key")
	k1, err := web.LoadKey(p)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := web.LoadKey(p)
	if err != nil || !bytes.Equal(k1, k2) || len(k1) != 32 {
		t.Fatalf("second start: %x vs %x (%v)", k1, k2, err)
	}
	if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v (%v)", st.Mode(), err)
	}
	t.Run("ErrDamaged", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "web-csrf.key")
		if err := os.WriteFile(bad, []byte("short"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := web.LoadKey(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Fatalf("damaged key file: %v", err)
		}
	})
}
