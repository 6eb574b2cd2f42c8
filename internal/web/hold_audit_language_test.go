package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// setLang switches b's pages to lang.
func setLang(t *testing.T, b *client, lang string) {
	t.Helper()
	if r := b.post("/lang", url.Values{"csrf": {b.csrf("/cases")}, "lang": {lang}, "back": {"/"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("switch to %s: %d", lang, r.Status)
	}
}

// Putting an item on hold without a reason shows the evidence page again
// with the reason field's message, in the page's language.
func TestEvidenceHoldWithoutReason(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0600", "")
	b := e.client()
	b.login("admin")
	id := uploaded(t, b, c.ID, "a.txt", "other", []byte("凭证"))
	for _, tt := range []struct{ lang, want string }{
		{"zh-CN", "保全时必须填写原因"},
		{"en", "is required to put an item on hold"},
	} {
		func() {
			setLang(t, b, tt.lang)
			r := b.post("/evidence/"+id+"/hold", url.Values{"csrf": {b.csrf("/evidence/" + id)}, "hold": {"true"}, "reason": {" "}})
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-reason-err"`) ||
				!strings.Contains(r.Body, tt.want) || !strings.Contains(r.Body, `id="hold-set"`) {
				t.Fatalf("%s: status %d, want 422 with the evidence page and %q:\n%s", tt.lang, r.Status, tt.want, r.Body)
			}
		}()
	}
}

var headSeqRE = regexp.MustCompile(`<dt>(?:最新序号|Head sequence)</dt><dd>([0-9]+)</dd>`)

// The audit page shows the chain head whatever the filter, says so when a
// cursor is not one it gave, and writes its columns and values in the
// page's language.
func TestAuditPageHeadAndLanguage(t *testing.T) {
	e := newEnv(t, false)
	e.newCase("2026-HZ-0601", "")
	e.user("auditor6", dossier.RoleAuditor)
	au := e.client()
	au.login("auditor6")
	for _, q := range []string{"", "?cursor=zzz", "?from=bad"} {
		p := au.get("/audit" + q)
		m := headSeqRE.FindStringSubmatch(p.Body)
		if p.Status != http.StatusOK || m == nil || m[1] == "0" || !strings.Contains(p.Body, `id="audit-head"`) ||
			strings.Contains(p.Body, `id="audit-head"></dd>`) {
			t.Fatalf("/audit%s: %d, head %v", q, p.Status, m)
		}
	}
	if p := au.get("/audit?cursor=zzz"); !strings.Contains(p.Body, "翻页链接无效") {
		t.Fatalf("no cursor error on the page:\n%s", p.Body)
	}
	p := au.get("/audit?case_id=")
	for _, want := range []string{`<th scope="col">哈希</th>`, "(审计)", "成功</span>"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("zh-CN audit page lacks %q", want)
		}
	}
	for _, not := range []string{`<th scope="col">hash</th>`, "(auditor)", " ok</span>"} {
		if strings.Contains(p.Body, not) {
			t.Errorf("zh-CN audit page shows %q", not)
		}
	}
	setLang(t, au, "en")
	if p := au.get("/audit?cursor=zzz"); !strings.Contains(p.Body, "The page link is not valid") {
		t.Fatalf("no English cursor error on the page")
	}
}

// An error page is titled and explained in the page's language.
func TestErrorPageLanguage(t *testing.T) {
	e := newEnv(t, false)
	b := e.client()
	b.login("admin")
	for _, tt := range []struct{ lang, path, title, detail, not string }{
		{"zh-CN", "/cases?bucket=bogus", "<title>输入有误", "输入有误", "Unprocessable Entity"},
		{"zh-CN", "/cases?cursor=zzz", "<title>", "分页位置无效", "invalid cursor"},
		{"en", "/cases?bucket=bogus", "<title>Invalid input", "bucket: must be one of", "输入有误"},
	} {
		setLang(t, b, tt.lang)
		p := b.get(tt.path)
		if p.Status < 400 || p.Status >= 500 || !strings.Contains(p.Body, tt.title) || !strings.Contains(p.Body, tt.detail) ||
			strings.Contains(p.Body, tt.not) {
			t.Errorf("%s %s: %d, want %q and %q without %q:\n%s", tt.lang, tt.path, p.Status, tt.title, tt.detail, tt.not, p.Body)
		}
	}
}
