package httpapi_test

import (
	"net/url"
	"strings"
	"testing"
)

// A case list or audit search with a very long q is a 422 naming q, as
// search's is; it was a 500 (SQLite refuses a LIKE pattern over 50,000
// bytes, and every % or _ in q is escaped to two).
func TestInputLongQueryText(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.login("admin", adminPassword)
	e.createCase(admin, "2026-HZ-0001")
	for _, path := range []string{"/api/v1/cases", "/api/v1/audit"} {
		for _, q := range []string{strings.Repeat("a", 100_000), strings.Repeat("%", 30_000), strings.Repeat("欠", 1001)} {
			r := e.do("GET", path+"?q="+url.QueryEscape(q), admin, nil)
			if r.Status != 422 {
				t.Fatalf("%s q of %d bytes: %d %s", path, len(q), r.Status, r.Body)
			}
			if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != "q" {
				t.Fatalf("%s: want the field q named, got %s", path, r.Body)
			}
		}
		// The longest q accepted still answers.
		if r := e.do("GET", path+"?q="+url.QueryEscape(strings.Repeat("%", 1000)), admin, nil); r.Status != 200 {
			t.Fatalf("%s q of 1000 characters: %d %s", path, r.Status, r.Body)
		}
	}
}
