package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// A request the routes do not serve (a browser's /favicon.ico, a mistyped
// path, a method a path does not take) is recorded as what it was: its
// detail used to read "internal error", which sent auditors looking for a
// server fault behind every 404 a browser asked for.
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
		{http.MethodPut, "/api/v1/cases", http.StatusMethodNotAllowed, []string{"method not allowed"}},
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
		var ev *dossier.Event
		for i := range page.Items {
			if page.Items[i].Action == "http."+strings.ToLower(tc.method) {
				ev = &page.Items[i]
			}
		}
		if ev == nil {
			t.Errorf("no event for %s %s among %+v", tc.method, tc.path, page.Items)
			continue
		}
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
