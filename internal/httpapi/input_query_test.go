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

// An API query parameter given twice is a 422 naming it; handlers read the
// first and dropped the rest, so stage=closed&stage=litigation silently
// listed closed cases only. audit/verify's anchor is meant to repeat.
func TestInputRepeatedQueryParam(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.login("admin", adminPassword)
	e.createCase(admin, "2026-HZ-0001")
	for path, field := range map[string]string{
		"/api/v1/cases?stage=closed&stage=litigation": "stage",
		"/api/v1/cases?limit=1&limit=500":             "limit",
		"/api/v1/audit?q=a&action=x&q=b":              "q",
	} {
		r := e.do("GET", path, admin, nil)
		if r.Status != 422 {
			t.Fatalf("%s: %d %s", path, r.Status, r.Body)
		}
		if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != field {
			t.Fatalf("%s: want %s named, got %s", path, field, r.Body)
		}
	}
	if r := e.do("GET", "/api/v1/audit/verify?anchor=1:"+strings.Repeat("a", 64)+"&anchor=2:"+strings.Repeat("b", 64), admin, nil); r.Status == 422 && strings.Contains(string(r.Body), "more than once") {
		t.Fatalf("repeated anchors refused: %s", r.Body)
	}
}

// A search date the index cannot hold (its times are int64 nanoseconds,
// 1677 to 2262) is a 422 naming it; 0000-01-01 or 9999-12-31 was a 500.
func TestInputSearchDateRange(t *testing.T) {
	e := newEnv(t, "sqlite")
	blobs := newBlobs(t, "disk")
	v := withVault(t, e, blobs, 0, 1<<20)
	withSearch(t, e, v, blobs)
	admin := e.login("admin", adminPassword)
	for q, field := range map[string]string{"from=0000-01-01": "from", "to=9999-12-31": "to",
		"from=1677-01-01": "from", "to=2262-04-11": "to", "from=1899-12-31": "from"} {
		r := e.do("GET", "/api/v1/search?q=a&"+q, admin, nil)
		if r.Status != 422 {
			t.Fatalf("%s: %d %s", q, r.Status, r.Body)
		}
		if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != field {
			t.Fatalf("%s: want %s named, got %s", q, field, r.Body)
		}
	}
	if r := e.do("GET", "/api/v1/search?q=a&from=1900-01-01&to=2199-12-31", admin, nil); r.Status != 200 {
		t.Fatalf("widest range: %d %s", r.Status, r.Body)
	}
}
