package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// A page's own API request (the upload widget's, with the session cookie)
// is refused in the page's language: the detail and the field messages in
// Chinese on a Chinese page, field names and status as the API has them;
// the same request with a bearer token, or from an English page, gets the
// API's English.
func TestAPIRefusalInPageLanguage(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0700", "")
	b := e.client()
	b.login("admin")
	csrf := b.csrf("/cases/" + c.ID)
	problem := func(r *response) (detail string, fields map[string]string) {
		t.Helper()
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			t.Fatalf("%d %s: %s", r.Status, ct, r.Body)
		}
		var p struct {
			Detail string `json:"detail"`
			Errors []struct{ Field, Message string }
		}
		if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
			t.Fatal(err)
		}
		fields = map[string]string{}
		for _, fe := range p.Errors {
			fields[fe.Field] = fe.Message
		}
		return p.Detail, fields
	}

	r := b.uploadWith(c.ID, csrf, [][2]string{{"kind", "diary"}, {"title", "日记"}}, "a.txt", []byte("x"))
	detail, fields := problem(r)
	if r.Status != http.StatusUnprocessableEntity || detail != "输入有误" ||
		!strings.HasPrefix(fields["kind"], "应为以下之一") {
		t.Errorf("unknown kind from a Chinese page: %d %q %v", r.Status, detail, fields)
	}
	r = b.uploadWith("no-such-case", csrf, [][2]string{{"kind", "other"}}, "a.txt", []byte("x"))
	if detail, _ := problem(r); r.Status != http.StatusNotFound || detail != "案件不存在或无权查看" {
		t.Errorf("unknown case from a Chinese page: %d %q", r.Status, detail)
	}
	// A stale page's CSRF header: the refusal says to reload.
	r = b.uploadWith(c.ID, "stale", [][2]string{{"kind", "other"}}, "a.txt", []byte("x"))
	if detail, _ := problem(r); r.Status != http.StatusForbidden || !strings.Contains(detail, "刷新页面") {
		t.Errorf("stale CSRF header from a Chinese page: %d %q", r.Status, detail)
	}

	// The API's own clients: English whatever the account's language.
	tok := e.token("admin")
	req := b.uploadRequest(c.ID, [][2]string{{"kind", "diary"}}, "a.txt", []byte("x"))
	req.Header.Set("Authorization", "Bearer "+tok)
	r = b.do(req)
	if detail, fields := problem(r); detail != "invalid fields" || !strings.HasPrefix(fields["kind"], "must be one of") {
		t.Errorf("bearer token: %q %v, want the API's English", detail, fields)
	}

	setLang(t, b, "en")
	r = b.uploadWith(c.ID, b.csrf("/cases/"+c.ID), [][2]string{{"kind", "diary"}}, "a.txt", []byte("x"))
	if detail, fields := problem(r); detail != "invalid fields" || !strings.HasPrefix(fields["kind"], "must be one of") {
		t.Errorf("from an English page: %q %v", detail, fields)
	}
}

// token signs user in through the API and returns the bearer token.
func (e *env) token(user string) string {
	e.t.Helper()
	res, err := http.Post(e.srv.URL+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"username":"`+user+`","password":"`+adminPassword+`"}`))
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.Token == "" {
		e.t.Fatalf("login %s: %d %v", user, res.StatusCode, err)
	}
	return out.Token
}
