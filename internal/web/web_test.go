package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/web"
)

func TestCSRF(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0001", "货款纠纷")
	b := e.client()
	b.login("admin")
	tok := b.csrf("/cases/" + c.ID)

	tests := []struct {
		name   string
		form   url.Values
		status int
	}{
		{"ErrNoToken", url.Values{"stage": {"litigation"}}, http.StatusForbidden},
		{"ErrWrongToken", url.Values{"stage": {"litigation"}, "csrf": {"AAAA" + tok[4:]}}, http.StatusForbidden},
		{"OK", url.Values{"stage": {"lawyer_letter"}, "csrf": {tok}}, http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := b.post("/cases/"+c.ID+"/stage", tt.form)
			if p.Status != tt.status {
				t.Fatalf("status %d, want %d\n%s", p.Status, tt.status, p.Body)
			}
			if tt.status == http.StatusForbidden && !strings.Contains(p.Body, "<h1>403") {
				t.Fatalf("refusal is not the error page:\n%s", p.Body)
			}
		})
	}
	got, err := e.cases.Get(context.Background(), e.admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Stage != dossier.StageLawyerLetter {
		t.Fatalf("stage %s: a refused post changed the case", got.Stage)
	}

	// A token from another session is worthless.
	other := e.client()
	other.login("admin")
	if p := other.post("/cases/"+c.ID+"/stage", url.Values{"stage": {"closed"}, "csrf": {tok}}); p.Status != http.StatusForbidden {
		t.Fatalf("another session's token accepted: %d", p.Status)
	}

	t.Run("ErrLoginWithoutToken", func(t *testing.T) {
		p := e.client().post("/login", url.Values{"username": {"admin"}, "password": {adminPassword}})
		if p.Status != http.StatusForbidden {
			t.Fatalf("login without token: %d", p.Status)
		}
	})
}

// The session cookie authenticates the JSON API too, but a state-changing
// call must also carry the CSRF header.
func TestAPIWithSessionCookie(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0002", "")
	b := e.client()
	b.login("admin")
	tok := b.csrf("/cases")
	patch := func(header string) *response {
		req, _ := http.NewRequest(http.MethodPatch, e.srv.URL+"/api/v1/cases/"+c.ID, strings.NewReader(`{"title":"改"}`))
		req.Header.Set("Content-Type", "application/json")
		if header != "" {
			req.Header.Set(web.CSRFHeader, header)
		}
		return b.do(req)
	}
	if p := b.get("/api/v1/cases/" + c.ID); p.Status != http.StatusOK {
		t.Fatalf("read with cookie: %d %s", p.Status, p.Body)
	}
	if p := patch(""); p.Status != http.StatusForbidden {
		t.Fatalf("write without header: %d %s", p.Status, p.Body)
	}
	if p := patch(tok); p.Status != http.StatusOK {
		t.Fatalf("write with header: %d %s", p.Status, p.Body)
	}
	if p := e.client().get("/api/v1/cases/" + c.ID); p.Status != http.StatusUnauthorized {
		t.Fatalf("no cookie: %d", p.Status)
	}
}

// An outside firm's session never shows a case it was not granted, in the
// list or by URL, and the answer for it is the same as for a case that does
// not exist.
func TestExternalSeesOnlyGrantedCases(t *testing.T) {
	e := newEnv(t, false)
	granted := e.newCase("2026-HZ-0010", "已授权案件")
	hidden := e.newCase("2026-HZ-0011", "保密案件")
	firm := e.user("firm-a", dossier.RoleExternal)
	if _, err := e.acc.Grant(context.Background(), e.admin, granted.ID, firm.ID, dossier.AccessRead); err != nil {
		t.Fatal(err)
	}
	b := e.client()
	b.login("firm-a")

	list := b.get("/cases")
	if list.Status != http.StatusOK || !strings.Contains(list.Body, granted.Number) {
		t.Fatalf("granted case missing from list: %d\n%s", list.Status, list.Body)
	}
	for _, p := range []*response{list, b.get("/cases?q=2026"), b.get("/cases?bucket=warning")} {
		if strings.Contains(p.Body, hidden.Number) || strings.Contains(p.Body, hidden.ID) || strings.Contains(p.Body, "保密案件") {
			t.Fatal("list shows a case that was not granted")
		}
	}
	tests := []struct{ name, path string }{
		{"ErrHidden", "/cases/" + hidden.ID},
		{"ErrAbsent", "/cases/no-such-case"},
	}
	var bodies []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := b.get(tt.path)
			if p.Status != http.StatusNotFound {
				t.Fatalf("status %d, want 404", p.Status)
			}
			if strings.Contains(p.Body, hidden.Number) || strings.Contains(p.Body, "保密案件") {
				t.Fatal("404 page reveals the case")
			}
			bodies = append(bodies, stripRequestID(p.Body))
		})
	}
	if len(bodies) == 2 && bodies[0] != bodies[1] {
		t.Fatal("hidden and absent cases answer differently")
	}
	if p := b.get("/cases/" + granted.ID); p.Status != http.StatusOK {
		t.Fatalf("granted case: %d", p.Status)
	}
	// No navigation to the admin or audit pages, and they refuse by URL.
	if strings.Contains(list.Body, `href="/admin"`) || strings.Contains(list.Body, `href="/audit"`) {
		t.Fatal("outside firm sees admin or audit links")
	}
	for _, path := range []string{"/admin", "/audit"} {
		if p := b.get(path); p.Status != http.StatusForbidden {
			t.Fatalf("%s: %d", path, p.Status)
		}
	}
}

var backRE = regexp.MustCompile(`name="back" value="[^"]*"`)

// stripRequestID removes what differs between any two requests: the request
// ID and the page's own path in the language form.
func stripRequestID(s string) string {
	if i := strings.Index(s, `class="mono">`); i >= 0 {
		s = s[:i]
	}
	return backRE.ReplaceAllString(s, "")
}

func TestEscaping(t *testing.T) {
	e := newEnv(t, false)
	const evil = `<script>alert(1)</script>`
	c := e.newCase("2026-HZ-0020", evil)
	b := e.client()
	b.login("admin")
	for _, path := range []string{"/cases", "/cases/" + c.ID, "/cases?q=" + url.QueryEscape(evil)} {
		p := b.get(path)
		if p.Status != http.StatusOK {
			t.Fatalf("%s: %d", path, p.Status)
		}
		if strings.Contains(p.Body, evil) {
			t.Fatalf("%s renders the title unescaped", path)
		}
		if !strings.Contains(p.Body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Fatalf("%s does not show the escaped title", path)
		}
	}
	// A communication summary is escaped too.
	tok := b.csrf("/cases/" + c.ID)
	p := b.post("/cases/"+c.ID+"/communications", url.Values{"csrf": {tok}, "occurred_at": {"2026-03-02T10:00"},
		"channel": {"phone"}, "summary": {`<img src=x onerror=alert(2)>`}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("add communication: %d\n%s", p.Status, p.Body)
	}
	if body := b.get("/cases/" + c.ID).Body; strings.Contains(body, `<img src=x`) || !strings.Contains(body, `&lt;img src=x`) {
		t.Fatal("communication summary not escaped")
	}
}

func TestSecurityHeadersAndCookie(t *testing.T) {
	for _, secure := range []bool{false, true} {
		e := newEnv(t, secure)
		b := e.client()
		p := b.get("/login")
		if got := p.Header.Get("Content-Security-Policy"); got != web.CSP {
			t.Fatalf("CSP %q", got)
		}
		for _, d := range []string{"default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'self'", "base-uri 'none'", "form-action 'self'"} {
			if !strings.Contains(web.CSP, d) {
				t.Fatalf("CSP lacks %s", d)
			}
		}
		if strings.Contains(web.CSP, "unsafe-inline") || strings.Contains(p.Body, "<script>") || strings.Contains(p.Body, " style=") ||
			strings.Contains(p.Body, " on") && regexp.MustCompile(`\son[a-z]+=`).MatchString(p.Body) {
			t.Fatal("inline script or style")
		}
		if p.Header.Get("X-Content-Type-Options") != "nosniff" || p.Header.Get("Referrer-Policy") == "" {
			t.Fatalf("headers %v", p.Header)
		}
		tok := csrfRE.FindStringSubmatch(p.Body)[1]
		res := b.post("/login", url.Values{"csrf": {tok}, "username": {"admin"}, "password": {adminPassword}})
		var ck string
		for _, v := range res.Header.Values("Set-Cookie") {
			if strings.HasPrefix(v, web.SessionCookie+"=") {
				ck = v
			}
		}
		if ck == "" || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") ||
			!strings.Contains(ck, "Path=/") || !strings.Contains(ck, "Expires=") {
			t.Fatalf("session cookie %q", ck)
		}
		if strings.Contains(ck, "Secure") != secure {
			t.Fatalf("secure=%v but cookie %q", secure, ck)
		}
	}
}

func TestLogoutRevokesToken(t *testing.T) {
	e := newEnv(t, false)
	b := e.client()
	b.login("admin")
	u, _ := url.Parse(e.srv.URL)
	var token string
	for _, ck := range b.http.Jar.Cookies(u) {
		if ck.Name == web.SessionCookie {
			token = ck.Value
		}
	}
	tok := b.csrf("/cases")
	if p := b.post("/logout", url.Values{"csrf": {tok}}); p.Status != http.StatusSeeOther {
		t.Fatalf("logout: %d", p.Status)
	}
	if _, err := e.acc.Authenticate(context.Background(), token); dossier.ErrorCode(err) != dossier.EUNAUTHENTICATED {
		t.Fatalf("token still valid after logout: %v", err)
	}
	if p := b.get("/cases"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/login") {
		t.Fatalf("after logout: %d %s", p.Status, p.Header.Get("Location"))
	}
}

func TestLanguageRemembered(t *testing.T) {
	e := newEnv(t, false)
	b := e.client()
	if body := b.get("/login").Body; !strings.Contains(body, `lang="zh-CN"`) || !strings.Contains(body, "登录") {
		t.Fatal("default is not Chinese")
	}
	b.login("admin")
	tok := b.csrf("/cases")
	if p := b.post("/lang", url.Values{"csrf": {tok}, "lang": {"en"}, "back": {"/cases"}}); p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/cases" {
		t.Fatalf("switch: %d %s", p.Status, p.Header.Get("Location"))
	}
	if body := b.get("/cases").Body; !strings.Contains(body, `lang="en"`) || !strings.Contains(body, "Days overdue") {
		t.Fatal("English not shown after the switch")
	}
	u, err := e.store.UserByName(context.Background(), "admin")
	if err != nil || u.Lang != "en" {
		t.Fatalf("language not stored on the user: %q %v", u.Lang, err)
	}
	// A new session of the same user (another device) starts in English.
	other := e.client()
	other.login("admin")
	if body := other.get("/cases").Body; !strings.Contains(body, `lang="en"`) {
		t.Fatal("language not remembered per user")
	}
	t.Run("ErrOffsiteBack", func(t *testing.T) {
		tok := b.csrf("/cases")
		p := b.post("/lang", url.Values{"csrf": {tok}, "lang": {"zh-CN"}, "back": {"//evil.example/x"}})
		if p.Header.Get("Location") != "/" {
			t.Fatalf("redirected to %q", p.Header.Get("Location"))
		}
	})
}

func TestCaseFormShowsFieldErrors(t *testing.T) {
	e := newEnv(t, false)
	b := e.client()
	b.login("admin")
	tok := b.csrf("/cases/new")
	p := b.post("/cases", url.Values{"csrf": {tok}, "number": {"X-1"}, "principal": {"abc"}, "creditor.name": {"甲"}})
	if p.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", p.Status)
	}
	for _, id := range []string{"f-principal-err", "f-due-date-err", "f-debtor-name-err"} {
		if !strings.Contains(p.Body, `id="`+id+`"`) {
			t.Errorf("no error next to %s", id)
		}
	}
	if !strings.Contains(p.Body, `value="X-1"`) {
		t.Error("entered values lost")
	}
	p = b.post("/cases", url.Values{"csrf": {tok}, "number": {"X-1"}, "principal": {"1000"}, "due_date": {"2026-01-05"},
		"creditor.name": {"甲"}, "debtor.name": {"乙"}, "stage": {"negotiation"}})
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/cases/") {
		t.Fatalf("create: %d %s", p.Status, p.Body)
	}
}

// Every page request is one audit event named for the page.
func TestPagesAreAudited(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0030", "")
	b := e.client()
	b.login("admin")
	b.get("/cases/" + c.ID)
	b.get("/cases/nope")
	if err := e.audit.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	evs, err := e.store.Events(context.Background(), dossier.AuditFilter{Action: "web.", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var read, denied, login bool
	for _, ev := range evs {
		switch {
		case ev.Action == "web.case.read" && ev.CaseID == c.ID && ev.Actor == "admin" && ev.Status == 200:
			read = true
		case ev.Action == "web.case.read" && ev.Status == 404 && ev.Outcome == dossier.OutcomeDenied:
			denied = true
		case ev.Action == "web.login" && ev.Actor == "admin":
			login = true
		}
	}
	if !read || !denied || !login {
		t.Fatalf("read=%v denied=%v login=%v in %d events", read, denied, login, len(evs))
	}
}

func TestAuditAndAdminPages(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0040", "")
	e.user("auditor1", dossier.RoleAuditor)
	firm := e.user("firm-b", dossier.RoleExternal)
	b := e.client()
	b.login("admin")
	tok := b.csrf("/admin")
	if p := b.post("/admin/grants", url.Values{"csrf": {tok}, "user_id": {firm.ID}, "case_id": {c.ID}, "access": {"write"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("grant: %d %s", p.Status, p.Body)
	}
	if body := b.get("/admin").Body; !strings.Contains(body, "2026-HZ-0040") {
		t.Fatal("grant not listed")
	}
	au := e.client()
	au.login("auditor1")
	p := au.get("/audit?action=web.grant.create")
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "web.grant.create") {
		t.Fatalf("audit page: %d", p.Status)
	}
	p = au.get("/audit/verify")
	if !strings.Contains(p.Body, `id="audit-verify"`) || !strings.Contains(p.Body, "✔") {
		t.Fatalf("verify status missing:\n%s", p.Body)
	}
	p = au.get("/audit/export.csv?actor=admin")
	if p.Status != http.StatusOK || !strings.HasPrefix(p.Body, "seq,at,actor") || !strings.Contains(p.Body, "web.grant.create") {
		t.Fatalf("csv: %d %.200s", p.Status, p.Body)
	}
	if p := au.get("/admin"); p.Status != http.StatusForbidden {
		t.Fatalf("auditor on admin page: %d", p.Status)
	}
}

// No template carries inline script, inline style or event-handler
// attributes: the CSP would block them and the page would silently break.
func TestNoInlineScriptOrStyle(t *testing.T) {
	ents, err := os.ReadDir("templates")
	if err != nil {
		t.Fatal(err)
	}
	bad := regexp.MustCompile(`<script>|<script [^>]*>[^<]|\sstyle=|<style|\son[a-z]+=|javascript:`)
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join("templates", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if m := bad.FindString(string(b)); m != "" {
			t.Errorf("%s: %q is refused by the Content-Security-Policy", e.Name(), m)
		}
	}
}

func TestUnknownPathIsAPage(t *testing.T) {
	e := newEnv(t, false)
	b := e.client()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/no/such/page", nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	if p := b.do(req); p.Status != http.StatusNotFound || !strings.Contains(p.Body, "<h1>404") || p.Header.Get("Content-Security-Policy") != web.CSP {
		t.Fatalf("browser: %d %q", p.Status, p.Header.Get("Content-Type"))
	}
	req, _ = http.NewRequest(http.MethodGet, e.srv.URL+"/api/v1/no-such", nil)
	req.Header.Set("Accept", "text/html")
	if p := b.do(req); p.Status != http.StatusNotFound || p.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("api: %d %q", p.Status, p.Header.Get("Content-Type"))
	}
}

// A language chosen before signing in carries over to the account, and a
// page that needed a session is where sign-in leads back to.
func TestSignedOutLanguageAndReturn(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0500", "")
	b := e.client()
	p := b.get("/cases/" + c.ID)
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/login?next=%2Fcases%2F"+c.ID {
		t.Fatalf("anonymous case page: %d %q", p.Status, p.Header.Get("Location"))
	}
	tok := b.csrf("/login")
	if r := b.post("/lang", url.Values{"csrf": {tok}, "lang": {"en"}, "back": {"/login"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("switch: %d", r.Status)
	}
	login := b.get("/login?next=%2Fcases%2F" + c.ID)
	if !strings.Contains(login.Body, `lang="en"`) || !strings.Contains(login.Body, "Sign in") {
		t.Fatal("signed-out switch not applied")
	}
	tok = csrfRE.FindStringSubmatch(login.Body)[1]
	r := b.post("/login", url.Values{"csrf": {tok}, "username": {"admin"}, "password": {adminPassword}, "next": {"/cases/" + c.ID}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/cases/"+c.ID {
		t.Fatalf("login: %d → %q", r.Status, r.Header.Get("Location"))
	}
	if u, _ := e.store.UserByName(context.Background(), "admin"); u.Lang != "en" {
		t.Fatalf("language chosen before sign-in not stored: %q", u.Lang)
	}
	t.Run("ErrBadPassword", func(t *testing.T) {
		b := e.client()
		tok := b.csrf("/login")
		r := b.post("/login", url.Values{"csrf": {tok}, "username": {"admin"}, "password": {"wrong password!"}})
		if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "用户名或密码错误") || strings.Contains(r.Body, "wrong password!") {
			t.Fatalf("bad password: %d", r.Status)
		}
	})
}
