package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/web"
)

// latin finds English words in a problem's detail.
var latin = regexp.MustCompile(`[A-Za-z]{3,}`)

// TestUploadRefusalsInChinese: the refusals a Chinese page's upload
// widget meets most are in Chinese too: the session expired or signed out
// elsewhere while the page stayed open (401), and the policy's refusal of
// an outside firm whose grant became read-only (403 "not allowed").
// Before, the first reached the page in the API's English (the caller is
// anonymous by then) and the second as 无权执行此操作（not allowed）.
func TestUploadRefusalsInChinese(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("R21B-UP", "")
	detail := func(r *response) string {
		t.Helper()
		var p struct{ Detail string }
		if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
			t.Fatalf("%d: %s", r.Status, r.Body)
		}
		return p.Detail
	}
	fields := [][2]string{{"kind", "other"}, {"title", "对账单"}}

	t.Run("ErrSessionEnded", func(t *testing.T) {
		b := e.client()
		b.login("admin")
		csrf := b.csrf("/cases/" + c.ID)
		u, _ := url.Parse(e.srv.URL)
		for _, ck := range b.http.Jar.Cookies(u) {
			if ck.Name == web.SessionCookie {
				if err := e.acc.Logout(context.Background(), ck.Value); err != nil {
					t.Fatal(err)
				}
			}
		}
		r := b.uploadWith(c.ID, csrf, fields, "a.txt", []byte("x"))
		if d := detail(r); r.Status != http.StatusUnauthorized || latin.MatchString(d) {
			t.Errorf("upload after the session ended: %d %q, want 401 in Chinese", r.Status, d)
		}
		// An API client without any credentials keeps the API's English.
		req := b.uploadRequest(c.ID, fields, "a.txt", []byte("x"))
		r = (&client{t: t, e: e, http: http.DefaultClient}).do(req)
		if d := detail(r); r.Status != http.StatusUnauthorized || !latin.MatchString(d) {
			t.Errorf("anonymous API client: %d %q, want the API's English", r.Status, d)
		}
	})
	t.Run("ErrReadGrant", func(t *testing.T) {
		reader := e.user("r21b-reader", dossier.RoleExternal)
		if _, err := e.acc.Grant(context.Background(), e.admin, c.ID, reader.ID, dossier.AccessRead); err != nil {
			t.Fatal(err)
		}
		b := e.client()
		b.login(reader.Username)
		r := b.uploadWith(c.ID, b.csrf("/cases/"+c.ID), fields, "a.txt", []byte("x"))
		if d := detail(r); r.Status != http.StatusForbidden || latin.MatchString(d) {
			t.Errorf("upload with a read grant: %d %q, want 403 in Chinese", r.Status, d)
		}
	})
}
