package httpapi_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/httpapi"
)

// TestReadyzNamesNoInternals: /readyz is public, so a failed check says
// which dependency failed and the dependency's own public message, never
// the wrapped driver or file-system error (paths, hosts, users), which only
// the log gets.
func TestReadyzNamesNoInternals(t *testing.T) {
	e := newEnv(t, "sqlite")
	root := filepath.Join(t.TempDir(), "secret-blob-root")
	blobs, err := disk.New(root)
	if err != nil {
		t.Fatal(err)
	}
	e.api.Ready = append(e.api.Ready, httpapi.Checker{Name: "blobs", Check: blobs.Ping})
	if r := e.do("GET", "/readyz", "", nil); r.Status != 200 {
		t.Fatalf("healthy: %d %s", r.Status, r.Body)
	}
	// The blob store's working directory disappears (a full disk, an
	// unmounted volume): the store's error names the server's path.
	if err := os.RemoveAll(filepath.Join(root, "tmp")); err != nil {
		t.Fatal(err)
	}
	r := e.do("GET", "/readyz", "", nil)
	if r.Status != 503 {
		t.Fatalf("broken blob store: %d %s", r.Status, r.Body)
	}
	var body struct {
		Status string
		Checks map[string]string
	}
	r.json(t, &body)
	if body.Checks["blobs"] == "" || body.Checks["blobs"] == "ok" || body.Checks["metadata"] != "ok" {
		t.Fatalf("checks %v: want blobs named as failed, metadata ok", body.Checks)
	}
	if strings.Contains(string(r.Body), "secret-blob-root") || strings.Contains(string(r.Body), os.TempDir()) {
		t.Fatalf("anonymous /readyz shows a server path: %s", r.Body)
	}

	// A dependency's own public message (a dossier.Error) is still shown,
	// without what it wraps.
	e.api.Ready = []httpapi.Checker{{Name: "metadata", Check: func(context.Context) error {
		return &dossier.Error{Code: dossier.EUNAVAILABLE, Message: "metadata store unavailable",
			Err: errors.New("failed to connect to `host=10.9.8.7 user=dossier database=dossier`")}
	}}}
	r = e.do("GET", "/readyz", "", nil)
	r.json(t, &body)
	if r.Status != 503 || body.Checks["metadata"] != "metadata store unavailable" {
		t.Fatalf("coded failure: %d %s", r.Status, r.Body)
	}
}

// TestAuditQueryCannotUnmaskDetails: an auditor sees personal data in
// event details masked (a debtor's ID number that counsel searched for
// reads 330102********1234), so the q filter must not match what the mask
// hides: otherwise each query tests a guess at the hidden digits, and the
// items, totals and CSV rows of a few dozen queries rebuild the number.
// What the auditor sees still matches, and admins search the stored text.
func TestAuditQueryCannotUnmaskDetails(t *testing.T) {
	e := newEnv(t, "sqlite")
	blobs := newBlobs(t, "disk")
	withSearch(t, e, withVault(t, e, blobs, time.Hour, 1<<20), blobs)
	admin := e.login("admin", adminPassword)
	_, counsel := e.user(admin, "r21-counsel", dossier.RoleCounsel)
	_, auditor := e.user(admin, "r21-auditor", dossier.RoleAuditor)
	const id = "330102199001011234"
	if r := e.do("GET", "/api/v1/search?q="+id, counsel, nil); r.Status != 200 {
		t.Fatalf("search: %d %s", r.Status, r.Body)
	}
	// Enough unrelated events that the matches sit on later pages.
	for i := 0; i < 5; i++ {
		e.do("GET", "/api/v1/search?q=other", counsel, nil)
	}
	list := func(token, q string) (n, total int) {
		t.Helper()
		r := e.do("GET", "/api/v1/audit?action=search.run&limit=2&q="+url.QueryEscape(q), token, nil)
		var page struct {
			Items []dossier.Event
			Total int
		}
		r.json(t, &page)
		for _, ev := range page.Items {
			if token == auditor && strings.Contains(ev.Detail, id) {
				t.Fatalf("auditor sees %q", ev.Detail)
			}
		}
		return len(page.Items), page.Total
	}
	for _, tt := range []struct {
		name, q string
		want    int
	}{
		{"ErrHiddenDigits", "19900101", 0},
		{"ErrHiddenAcrossMask", "3301021", 0},
		{"ErrWholeNumber", id, 0},
		{"OKVisiblePrefix", "q=330102", 1},
		{"OKVisibleSuffix", "1234", 1},
		{"OKAsShown", "330102********1234", 1},
		{"OKNoDigits", "Q=", 6},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n, total := list(auditor, tt.q)
			if total != tt.want || n != min(tt.want, 2) {
				t.Fatalf("auditor q=%q: %d items, total %d; want total %d", tt.q, n, total, tt.want)
			}
			r := e.doAccept("GET", "/api/v1/audit?action=search.run&q="+url.QueryEscape(tt.q), auditor, "text/csv")
			if rows := strings.Count(strings.TrimSpace(string(r.Body)), "\n"); r.Status != 200 || rows != tt.want {
				t.Fatalf("auditor CSV q=%q: %d, %d rows, want %d", tt.q, r.Status, rows, tt.want)
			}
		})
	}
	if _, total := list(admin, "19900101"); total != 1 {
		t.Fatalf("admin q on the stored text: total %d, want 1", total)
	}
}
