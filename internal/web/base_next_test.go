package web_test

import (
	"net/http"
	"net/url"
	"testing"
)

// A "next" naming the prefix's root with a query or fragment
// ("/dossier?from=mail", as a link in an e-mail may) was not taken as under
// the prefix and led, after signing in, to "/dossier/dossier?from=mail", a
// 404. It now leads to the prefix's root with its query.
func TestBasePathNextAtPrefixRoot(t *testing.T) {
	e := prefixEnv(t, basePath)
	for next, want := range map[string]string{
		basePath + "?from=mail": basePath + "/?from=mail",
		basePath:                basePath + "/",
		basePath + "/cases?q=1": basePath + "/cases?q=1",
		basePath + "x":          basePath + "/dossierx",
	} {
		b := e.clientAt(e.srv.URL + basePath)
		r := b.post("/login", url.Values{"csrf": {b.csrf("/login")}, "username": {"admin"}, "password": {adminPassword},
			"next": {next}})
		if loc := r.Header.Get("Location"); r.Status != http.StatusSeeOther || loc != want {
			t.Errorf("next=%s: %d Location %q, want %q", next, r.Status, loc, want)
		}
	}
}
