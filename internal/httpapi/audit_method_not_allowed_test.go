package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// A method a path does not take (DELETE on a case) and an OPTIONS request
// match a route's path but no handler of ours, so their events carry no
// action of their own (http.delete, http.options) and no case ID; their
// detail said only "method not allowed", or nothing, so an auditor could
// not tell which case someone tried to delete. It now names the method and
// path, as for a path no route serves.
func TestAuditMethodNotAllowedDetail(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.login("admin", adminPassword)
	cases := []struct {
		method, path string
		status       int
		want         []string // in the detail
	}{
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
		n := 0
		for _, ev := range page.Items {
			if ev.Action != "http."+strings.ToLower(tc.method) {
				continue
			}
			n++
			if ev.Status != tc.status {
				t.Errorf("%s %s recorded with status %d", tc.method, tc.path, ev.Status)
			}
			for _, w := range tc.want {
				if !strings.Contains(ev.Detail, w) {
					t.Errorf("%s %s: detail %q does not say %q", tc.method, tc.path, ev.Detail, w)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s %s: %d events, want exactly 1 (%+v)", tc.method, tc.path, n, page.Items)
		}
	}
}
