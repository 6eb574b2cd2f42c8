package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// A request no handler of ours serves is recorded as what it was, with its
// method and path, in exactly one event:
//   - a path no route serves (a browser's /favicon.ico, a mistyped path):
//     its detail read "internal error", which sent auditors looking for a
//     server fault behind every 404 a browser asked for;
//   - a method a path does not take (DELETE on a case) and an OPTIONS
//     request: their detail said only "method not allowed", or nothing, so
//     an auditor could not tell which case someone tried to delete.
func TestAuditUnroutedDetail(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.login("admin", adminPassword)
	cases := []struct {
		method, path string
		status       int
		want         []string // in the detail
	}{
		{http.MethodGet, "/favicon.ico", http.StatusNotFound, []string{"GET /favicon.ico", "no such resource"}},
		{http.MethodPost, "/api/v1/no-such-thing", http.StatusNotFound, []string{"POST /api/v1/no-such-thing", "no such resource"}},
		{http.MethodPut, "/api/v1/cases", http.StatusMethodNotAllowed, []string{"PUT /api/v1/cases", "method not allowed"}},
		{http.MethodDelete, "/api/v1/cases/c-0042", http.StatusMethodNotAllowed, []string{"DELETE /api/v1/cases/c-0042", "method not allowed"}},
		{http.MethodOptions, "/api/v1/cases", http.StatusNoContent, []string{"OPTIONS /api/v1/cases"}},
	}
	for _, tc := range cases {
		if r := e.do(tc.method, tc.path, "", nil); r.Status != tc.status {
			t.Fatalf("%s %s: %d, want %d", tc.method, tc.path, r.Status, tc.status)
		}
	}
	if err := e.audit.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	var page struct{ Items []dossier.Event }
	e.do("GET", "/api/v1/audit?actor=anonymous&action=http.", admin, nil).json(t, &page)
	for _, tc := range cases {
		var found []dossier.Event
		for _, ev := range page.Items {
			if ev.Action == "http."+strings.ToLower(tc.method) { // one request per method
				found = append(found, ev)
			}
		}
		if len(found) != 1 {
			t.Errorf("%s %s: %d events, want exactly 1 (%+v)", tc.method, tc.path, len(found), page.Items)
			continue
		}
		ev := found[0]
		if ev.Status != tc.status || strings.Contains(ev.Detail, "internal error") {
			t.Errorf("%s %s recorded as %d %q", tc.method, tc.path, ev.Status, ev.Detail)
		}
		for _, w := range tc.want {
			if !strings.Contains(ev.Detail, w) {
				t.Errorf("%s %s: detail %q does not say %q", tc.method, tc.path, ev.Detail, w)
			}
		}
	}
}
