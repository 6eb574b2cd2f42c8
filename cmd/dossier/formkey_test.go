package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestFormSurvivesRestart: a form opened before a restart is accepted after
// it, since its token is signed with the key kept in the data directory.
func TestFormSurvivesRestart(t *testing.T) {
	data := t.TempDir()
	p := start(t, data)
	m := regexp.MustCompile(`user "admin" with password (\S+)`).FindStringSubmatch(p.stdout.String())
	if m == nil {
		t.Fatalf("admin password not printed on first start:\n%s", p.stdout)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(p.url + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	tok := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(string(page))
	if tok == nil {
		t.Fatalf("no form token on the sign-in page:\n%s", page)
	}
	p.stop(t)
	if st, err := os.Stat(filepath.Join(data, "web-form.key")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("form key file: %v %v", st, err)
	}

	p2 := start(t, data)
	defer p2.stop(t)
	res, err = c.PostForm(p2.url+"/login", url.Values{"csrf": {tok[1]}, "username": {"admin"}, "password": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || strings.Contains(string(body), "403") {
		t.Fatalf("sign-in form from before the restart: %d\n%s", res.StatusCode, body)
	}
}
