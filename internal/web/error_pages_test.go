package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// anyHan matches a Chinese character.
var anyHan = regexp.MustCompile(`\p{Han}`)

// browse sends a request as a browser does (Accept: text/html).
func (b *client) browse(method, path string, form url.Values) *response {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.root+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	return b.do(req)
}

// mainOf is the text between <main> and </main>: what the page says, not
// the navigation.
func mainOf(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if i := strings.Index(body, "</main>"); i >= 0 {
		body = body[:i]
	}
	return body
}

// A browser that lands on a form's POST-only address with a GET (Enter in
// the address bar of a page a form post rendered, a bookmark) or posts to
// an address no page has, gets an error page in the user's language, not
// the API's English problem JSON. The API itself keeps its problems.
func TestWrongMethodIsAPageInTheUsersLanguage(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0701", "")
	firm := e.user("firm-zh", dossier.RoleExternal)
	if err := e.store.PutGrant(context.Background(), &dossier.Grant{CaseID: c.ID, UserID: firm.ID, Access: dossier.AccessRead,
		CreatedBy: e.admin.User.ID, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	zh := e.client()
	zh.login("firm-zh")
	for _, p := range []string{"/cases/" + c.ID + "/stage", "/cases/" + c.ID + "/payments", "/logout", "/lang"} {
		r := zh.browse(http.MethodGet, p, nil)
		if r.Status != http.StatusMethodNotAllowed || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(r.Body, `<html lang="zh-CN"`) || !strings.Contains(mainOf(r.Body), "不支持的操作") ||
			strings.Contains(mainOf(r.Body), "method not allowed") {
			t.Errorf("GET %s: %d %s\n%.300s", p, r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		if r.Header.Get("Allow") == "" {
			t.Errorf("GET %s: 405 without Allow", p)
		}
	}
	tok := zh.csrf("/cases")
	r := zh.browse(http.MethodPost, "/cases/"+c.ID+"/nothing", url.Values{"csrf": {tok}})
	if r.Status != http.StatusNotFound || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(mainOf(r.Body), "找不到该页面或内容") {
		t.Errorf("POST to no page: %d %s\n%.300s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	r = zh.browse(http.MethodPost, "/audit", url.Values{"csrf": {tok}})
	if r.Status != http.StatusMethodNotAllowed || !strings.Contains(mainOf(r.Body), "不支持的操作") {
		t.Errorf("POST /audit: %d\n%.300s", r.Status, r.Body)
	}

	en := e.client()
	en.login("admin")
	if p := en.post("/lang", url.Values{"csrf": {en.csrf("/cases")}, "lang": {"en"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("lang: %d", p.Status)
	}
	r = en.browse(http.MethodGet, "/cases/"+c.ID+"/stage", nil)
	if r.Status != http.StatusMethodNotAllowed || !strings.Contains(r.Body, `<html lang="en"`) ||
		!strings.Contains(mainOf(r.Body), "Method not allowed") {
		t.Errorf("GET stage in English: %d\n%.300s", r.Status, r.Body)
	}

	// The API's clients keep problem details.
	r = zh.browse(http.MethodGet, "/api/v1/auth/logout", nil)
	if r.Status != http.StatusMethodNotAllowed || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("API 405: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
}

// The refusal page of a Chinese user is Chinese throughout: the policy's
// bare "not allowed" used to stand under 无权执行此操作 in English.
func TestForbiddenPageHasNoEnglishDetail(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0702", "")
	e.user("auditor-zh", dossier.RoleAuditor)
	e.user("firm-zh", dossier.RoleExternal)
	for _, who := range []string{"auditor-zh", "firm-zh"} {
		b := e.client()
		b.login(who)
		for _, p := range []string{"/admin", "/cases/new", "/cases/" + c.ID + "/grants"} {
			r := b.browse(http.MethodGet, p, nil)
			if r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
				t.Errorf("%s GET %s: %d", who, p, r.Status)
				continue
			}
			m := mainOf(r.Body)
			if strings.Contains(m, "not allowed") || !anyHan.MatchString(m) {
				t.Errorf("%s GET %s: English on a Chinese error page:\n%s", who, p, m)
			}
		}
		tok := b.csrf("/cases")
		r := b.browse(http.MethodPost, "/cases", url.Values{"csrf": {tok}, "number": {"X-1"}})
		if m := mainOf(r.Body); r.Status != http.StatusForbidden || strings.Contains(m, "not allowed") {
			t.Errorf("%s POST /cases: %d\n%s", who, r.Status, m)
		}
	}
}

// A page address whose query is not UTF-8 text (a link cut in the middle of
// a character, or written in GBK by an older system) is refused by the API's
// middleware before the page runs; a browser gets the error page in the
// user's language, not the problem JSON. The API keeps its problem.
func TestBadTextAddressIsAPage(t *testing.T) {
	e := newEnv(t, false)
	e.user("auditor-en", dossier.RoleAuditor)
	zh := e.client()
	zh.login("admin")
	for _, p := range []string{"/cases?q=%E6%8B%96%E6", "/audit?q=%D5%C5", "/cases?q=%00"} {
		r := zh.browse(http.MethodGet, p, nil)
		m := mainOf(r.Body)
		if r.Status != http.StatusBadRequest || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(r.Body, `<html lang="zh-CN"`) || !strings.Contains(m, "链接的地址或参数含有无效字符") {
			t.Errorf("GET %s: %d %s\n%.400s", p, r.Status, r.Header.Get("Content-Type"), m)
		}
	}
	en := e.client()
	en.login("auditor-en")
	if r := en.post("/lang", url.Values{"csrf": {en.csrf("/cases")}, "lang": {"en"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("lang: %d", r.Status)
	}
	r := en.browse(http.MethodGet, "/audit?actor=%FF", nil)
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `<html lang="en"`) || anyHan.MatchString(mainOf(r.Body)) {
		t.Errorf("en: %d\n%.400s", r.Status, mainOf(r.Body))
	}
	if r := en.browse(http.MethodGet, "/api/v1/cases?q=%FF", nil); r.Status != http.StatusBadRequest ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("API: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
}

// A refused list address (a bookmarked filter that is no longer valid)
// names the parameter and what is wrong with it, in the page's language;
// the page used to say only 输入有误 / "invalid fields".
func TestRefusedFilterNamesTheField(t *testing.T) {
	e := newEnv(t, false)
	e.user("firm-f", dossier.RoleExternal)
	b := e.client()
	b.login("firm-f")
	r := b.browse(http.MethodGet, "/cases?bucket=overdue", nil)
	m := mainOf(r.Body)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(m, "bucket: 应为") {
		t.Errorf("zh: %d\n%s", r.Status, m)
	}
	r = b.browse(http.MethodGet, "/cases?q=%FF", nil)
	if m := mainOf(r.Body); r.Status != http.StatusBadRequest || !strings.Contains(m, "链接的地址或参数含有无效字符") || !strings.Contains(m, "q: ") {
		t.Errorf("bad text: %d\n%s", r.Status, m)
	}
	if p := b.post("/lang", url.Values{"csrf": {b.csrf("/cases")}, "lang": {"en"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("lang: %d", p.Status)
	}
	r = b.browse(http.MethodGet, "/cases?bucket=overdue", nil)
	if m := mainOf(r.Body); !strings.Contains(m, "bucket: must be") || strings.Contains(m, "invalid fields") {
		t.Errorf("en: %d\n%s", r.Status, m)
	}
}
