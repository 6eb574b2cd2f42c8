package httpapi_test

import (
	"context"
	"encoding/json"
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

// TestForeignIDsAnswerAsAbsent: an outside firm with a write grant on one
// case names objects of a case it cannot see inside request bodies and
// queries. Each answer must be the answer for an ID that does not exist
// (same status, same messages but for the ID itself), and nothing may be
// stored.
func TestForeignIDsAnswerAsAbsent(t *testing.T) {
	e := newEnv(t, "sqlite")
	blobs := newBlobs(t, "disk")
	withSearch(t, e, withVault(t, e, blobs, time.Hour, 1<<20), blobs)
	withDocuments(t, e, blobs)
	withBundles(t, e, blobs)
	withRecovery(t, e)
	admin := e.login("admin", adminPassword)
	mine, other := e.createCase(admin, "R21-MINE"), e.createCase(admin, "R21-OTHER")
	ev := e.mustUpload(admin, other.ID, "contract", "other.txt", []byte("contract of the other case"), 201)
	r := e.do("POST", "/api/v1/cases/"+other.ID+"/documents", admin, map[string]any{"template": "lawyer_letter", "fields": letterFields})
	var doc dossier.Document
	r.json(t, &doc)
	r = e.do("POST", "/api/v1/cases/"+other.ID+"/payments", admin, map[string]any{
		"paid_at": time.Now().Add(-time.Hour).Format(time.RFC3339), "amount": "100.00"})
	var pay dossier.Payment
	r.json(t, &pay)
	if ev.ID == "" || doc.ID == "" || pay.ID == "" {
		t.Fatalf("fixtures: evidence %q document %q payment %q", ev.ID, doc.ID, pay.ID)
	}
	firmID, firm := e.user(admin, "r21-firm", dossier.RoleExternal)
	if r := e.do("POST", "/api/v1/cases/"+mine.ID+"/grants", admin, map[string]string{"user_id": firmID, "access": "write"}); r.Status != 201 {
		t.Fatalf("grant: %d %s", r.Status, r.Body)
	}
	const absent = "01aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	at := time.Now().Add(-time.Hour).Format(time.RFC3339)
	day := time.Now().Format(time.DateOnly)
	base := "/api/v1/cases/" + mine.ID
	for _, tt := range []struct {
		name, method, path string
		body               func(id string) any
		id                 string
	}{
		{"communication evidence_ids", "POST", base + "/communications", func(id string) any {
			return map[string]any{"occurred_at": at, "channel": "phone", "summary": "催款", "evidence_ids": []string{id}}
		}, ev.ID},
		{"payment evidence_id", "POST", base + "/payments", func(id string) any {
			return map[string]any{"paid_at": at, "amount": "10.00", "evidence_id": id}
		}, ev.ID},
		{"payment reverses", "POST", base + "/payments", func(id string) any {
			return map[string]any{"paid_at": at, "amount": "-100.00", "reverses": id, "reason": "错账"}
		}, pay.ID},
		{"plan document_id", "POST", base + "/installment-plans", func(id string) any {
			return map[string]any{"document_id": id, "total": "1000.00", "installments": 2, "first_due_date": day}
		}, doc.ID},
		{"plan evidence_id", "POST", base + "/installment-plans", func(id string) any {
			return map[string]any{"evidence_id": id, "total": "1000.00", "installments": 2, "first_due_date": day}
		}, ev.ID},
		{"filing evidence_id", "POST", base + "/filings", func(id string) any {
			return map[string]any{"kind": "payment_order", "filed_on": day, "evidence_id": id}
		}, ev.ID},
		{"bundle evidence_id", "POST", base + "/bundles", func(id string) any {
			return map[string]any{"title": "卷宗", "items": []map[string]string{{"evidence_id": id, "purpose": "证明"}}}
		}, ev.ID},
		{"bundle document_id", "POST", base + "/bundles", func(id string) any {
			return map[string]any{"title": "卷宗", "items": []map[string]string{{"document_id": id, "purpose": "证明"}}}
		}, doc.ID},
		{"search case_id", "GET", "/api/v1/search?q=contract&case_id=", nil, other.ID},
		{"evidence versions", "GET", "/api/v1/evidence/", nil, ev.ID},
		{"evidence version content", "GET", "/api/v1/evidence/", nil, ev.ID},
		{"document pdf", "GET", "/api/v1/documents/", nil, doc.ID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			call := func(id string) *response {
				switch {
				case tt.body != nil:
					return e.do(tt.method, tt.path, firm, tt.body(id))
				case tt.name == "evidence versions":
					return e.do("GET", tt.path+id+"/versions", firm, nil)
				case tt.name == "evidence version content":
					return e.do("GET", tt.path+id+"/versions/1/content", firm, nil)
				case tt.name == "document pdf":
					return e.do("GET", tt.path+id+"/pdf", firm, nil)
				}
				return e.do(tt.method, tt.path+id, firm, nil)
			}
			foreign, missing := call(tt.id), call(absent)
			if foreign.Status < 400 || foreign.Status != missing.Status {
				t.Fatalf("foreign ID %d, absent ID %d: %s", foreign.Status, missing.Status, foreign.Body)
			}
			strip := func(r *response, id string) string {
				var p httpapi.Problem
				r.json(t, &p)
				p.RequestID, p.Instance = "", ""
				b, _ := json.Marshal(p)
				return strings.ReplaceAll(string(b), id, "ID")
			}
			if f, m := strip(foreign, tt.id), strip(missing, absent); f != m {
				t.Fatalf("a foreign ID answers differently from an absent one:\n%s\n%s", f, m)
			}
		})
	}
	for _, path := range []string{"/communications", "/payments", "/installment-plans", "/filings", "/bundles"} {
		var l struct{ Total int }
		e.do("GET", base+path, admin, nil).json(t, &l)
		if l.Total != 0 {
			t.Errorf("%s: %d stored on the granted case", path, l.Total)
		}
	}
}

// TestRevokedGrantAndDisabledUser: grants are read on every request, so a
// revoked grant stops the token it was used with at once (the case then
// answers as absent), and disabling the user ends every token it holds.
func TestRevokedGrantAndDisabledUser(t *testing.T) {
	e := newEnv(t, "sqlite")
	withRecovery(t, e)
	admin := e.login("admin", adminPassword)
	c := e.createCase(admin, "R21-REVOKE")
	firmID, firm := e.user(admin, "r21-revoked", dossier.RoleExternal)
	e.do("POST", "/api/v1/cases/"+c.ID+"/grants", admin, map[string]string{"user_id": firmID, "access": "write"})
	if r := e.do("GET", "/api/v1/cases/"+c.ID, firm, nil); r.Status != 200 {
		t.Fatalf("granted: %d", r.Status)
	}
	if r := e.do("DELETE", "/api/v1/cases/"+c.ID+"/grants/"+firmID, admin, nil); r.Status != 204 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	for _, p := range []string{"/api/v1/cases/" + c.ID, "/api/v1/cases/" + c.ID + "/limitation"} {
		if r := e.do("GET", p, firm, nil); r.Status != 404 {
			t.Fatalf("%s after revoke: %d", p, r.Status)
		}
	}
	var l struct{ Total int }
	e.do("GET", "/api/v1/cases", firm, nil).json(t, &l)
	var d struct{ Cases int }
	e.do("GET", "/api/v1/dashboard", firm, nil).json(t, &d)
	if l.Total != 0 || d.Cases != 0 {
		t.Fatalf("after revoke: case list %d, dashboard %d", l.Total, d.Cases)
	}
	if err := e.acc.SetDisabled(context.Background(), "r21-revoked", true); err != nil {
		t.Fatal(err)
	}
	if r := e.do("GET", "/api/v1/me", firm, nil); r.Status != 401 {
		t.Fatalf("disabled user's token: %d", r.Status)
	}
}
