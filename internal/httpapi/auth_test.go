package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/web"
)

// events returns the stored audit events of action, oldest first.
func (e *env) events(action string) []*dossier.Event {
	e.t.Helper()
	if err := e.audit.Flush(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	evs, err := e.store.Events(context.Background(), dossier.AuditFilter{Action: action})
	if err != nil {
		e.t.Fatal(err)
	}
	return evs
}

func TestLoginThrottleParallel(t *testing.T) {
	// Parallel guesses each take their place in the window before the
	// password is checked: no more than 5 are checked, the rest wait.
	e := newEnv(t, "sqlite")
	const n = 10
	statuses := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			statuses[i] = e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "wrong password guess"}).Status
		})
	}
	close(start)
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[http.StatusUnauthorized] != 5 || count[http.StatusTooManyRequests] != n-5 {
		t.Fatalf("%d parallel wrong passwords, 5 allowed: statuses %v", n, count)
	}
	for _, ev := range e.events("auth.login") {
		if ev.Detail == "" || !strings.HasPrefix(ev.Detail, "username=admin") {
			t.Fatalf("login event %d (status %d) does not name its target: %q", ev.Seq, ev.Status, ev.Detail)
		}
	}
}

func TestLogoutWithSessionCookie(t *testing.T) {
	// The web front's session cookie authenticates the API too; logging out
	// with it must end that session, not just answer 204. Behind a path
	// prefix the cookie lives at the prefix, and is cleared there: cleared
	// at "/", the browser kept it.
	for _, base := range []string{"", "/dossier"} {
		t.Run("OK"+base, func(t *testing.T) { logoutWithSessionCookie(t, base) })
	}
}

func logoutWithSessionCookie(t *testing.T, base string) {
	e := newEnv(t, "sqlite")
	e.api.BasePath = base
	web.New(web.Config{Accounts: e.acc, Cases: e.api.Cases, BasePath: base, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Register(e.api.Echo)
	tok := e.login("admin", adminPassword)
	cookie := map[string]string{"Cookie": web.SessionCookie + "=" + tok}
	page := e.send("GET", "/admin", "", "", nil, cookie)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page.Body)
	if page.Status != 200 || m == nil {
		t.Fatalf("admin page: %d, no CSRF token", page.Status)
	}
	withCSRF := map[string]string{"Cookie": cookie["Cookie"], web.CSRFHeader: string(m[1])}
	r := e.send("POST", "/api/v1/auth/logout", "", "", nil, withCSRF)
	if r.Status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", r.Status, r.Body)
	}
	want := base
	if want == "" {
		want = "/"
	}
	cleared := false
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		cleared = cleared || c.Name == web.SessionCookie && c.Value == "" && c.MaxAge < 0 && c.Path == want
	}
	if !cleared {
		t.Fatalf("logout does not clear the session cookie at %s: %v", want, r.Header.Values("Set-Cookie"))
	}
	if r := e.send("GET", "/api/v1/me", "", "", nil, cookie); r.Status == http.StatusOK {
		t.Fatalf("the session cookie still works after logout: %d %s", r.Status, r.Body)
	}
	if r := e.do("GET", "/api/v1/me", tok, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("the session's token still works after logout: %d", r.Status)
	}
}

func TestGrantAndUserEventsSayWhat(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.login("admin", adminPassword)
	c := e.createCase(admin, "2026-HZ-0904")
	uid, _ := e.user(admin, "lawfirm", dossier.RoleExternal)
	for _, acc := range []string{"read", "write"} {
		if r := e.do("POST", "/api/v1/cases/"+c.ID+"/grants", admin, map[string]string{"user_id": uid, "access": acc}); r.Status != 201 {
			t.Fatalf("grant %s: %d %s", acc, r.Status, r.Body)
		}
	}
	if r := e.do("DELETE", "/api/v1/cases/"+c.ID+"/grants/"+uid, admin, nil); r.Status != 204 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	for _, tc := range []struct {
		action  string
		details []string
	}{
		{"user.create", []string{"username=lawfirm role=external"}},
		{"grant.create", []string{"access=read", "access=write (was read)"}},
		{"grant.delete", []string{"access=write"}},
	} {
		var got []string
		for _, ev := range e.events(tc.action) {
			if ev.ObjectID != uid {
				t.Errorf("%s event names %q, not the user %s", tc.action, ev.ObjectID, uid)
			}
			got = append(got, ev.Detail)
		}
		if strings.Join(got, "|") != strings.Join(tc.details, "|") {
			t.Errorf("%s details %q, want %q", tc.action, got, tc.details)
		}
	}
}
