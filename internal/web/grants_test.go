package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// TestCounselGrantsFromCasePage: in-house counsel, whom API.md lets grant
// a case, can give an outside firm access from the case page and take it
// back, without the admin page; the rules are the API's.
func TestCounselGrantsFromCasePage(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0950", "")
	e.user("counsel-x", dossier.RoleCounsel)
	e.user("auditor-x", dossier.RoleAuditor)
	firm := e.user("firm-x", dossier.RoleExternal)
	b := e.client()
	b.login("counsel-x")
	grants := "/cases/" + c.ID + "/grants"
	if page := b.get("/cases/" + c.ID); !strings.Contains(page.Body, `href="`+grants+`"`) {
		t.Fatal("the case page has no link to its grants")
	}
	page := b.get(grants)
	choice := regexp.MustCompile(`(?s)<select id="f-grant-user".*?</select>`).FindString(page.Body)
	if page.Status != http.StatusOK || !strings.Contains(choice, `value="`+firm.ID+`"`) || strings.Count(choice, "<option") != 1 {
		t.Fatalf("grant page: %d, want a choice of outside-firm users only:\n%s", page.Status, page.Body)
	}
	tok := csrfRE.FindStringSubmatch(page.Body)[1]
	firmClient := e.client()
	firmClient.login("firm-x")

	tests := []struct {
		name   string
		form   url.Values
		status int
		errMsg string
	}{
		{"ErrNoUser", url.Values{"user_id": {""}, "access": {"read"}}, http.StatusUnprocessableEntity, "必填"},
		{"ErrAccess", url.Values{"user_id": {firm.ID}, "access": {"owner"}}, http.StatusUnprocessableEntity, "应为只读或读写"},
		{"ErrUnknownUser", url.Values{"user_id": {"nobody"}, "access": {"read"}}, http.StatusUnprocessableEntity, "没有该用户"},
		{"OK", url.Values{"user_id": {firm.ID}, "access": {"read"}}, http.StatusSeeOther, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("csrf", tok)
			r := b.post(grants, tt.form)
			if r.Status != tt.status || (tt.errMsg != "" && !strings.Contains(r.Body, tt.errMsg)) {
				t.Fatalf("%d, want %d with %q:\n%s", r.Status, tt.status, tt.errMsg, r.Body)
			}
		})
	}
	if r := firmClient.get("/cases/" + c.ID); r.Status != http.StatusOK {
		t.Fatalf("granted firm reads the case: %d", r.Status)
	}
	list := b.get(grants)
	if !regexp.MustCompile(`firm-x[^<]*</td>\s*<td>[^<]*只读`).MatchString(list.Body) {
		t.Fatalf("grant not listed:\n%s", list.Body)
	}
	if r := b.post(grants+"/revoke", url.Values{"csrf": {tok}, "user_id": {firm.ID}}); r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d\n%s", r.Status, r.Body)
	}
	if r := firmClient.get("/cases/" + c.ID); r.Status != http.StatusNotFound {
		t.Fatalf("revoked firm reads the case: %d", r.Status)
	}
	t.Run("ErrAuditor", func(t *testing.T) {
		a := e.client()
		a.login("auditor-x")
		if r := a.get(grants); r.Status != http.StatusForbidden {
			t.Fatalf("auditor opens the grant page: %d", r.Status)
		}
		if strings.Contains(a.get("/cases/"+c.ID).Body, `href="`+grants+`"`) {
			t.Fatal("auditor sees a link to the grants")
		}
	})
}
