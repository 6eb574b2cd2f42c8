package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// An audit page or CSV export q the store cannot hold (SQLite refuses a
// LIKE pattern over 50,000 bytes) was a 500; it is now q's field error in
// the page's language, the other filters kept. A bad date on the export
// names its field instead of a generic "dates" message.
func TestAuditLongQuery(t *testing.T) {
	e := newEnv(t, false)
	e.user("auditor1", dossier.RoleAuditor)
	au := e.client()
	au.login("auditor1")
	long := strings.Repeat("a", 60000)
	q := url.Values{"q": {long}, "actor": {"firm-a"}, "action": {"web.case.list"}}
	r := au.get("/audit?" + q.Encode())
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "最多 1000 个字符") ||
		!strings.Contains(r.Body, `value="firm-a"`) || !strings.Contains(r.Body, `value="web.case.list"`) {
		i := strings.Index(r.Body, "<main")
		t.Errorf("page: %d %.1500s", r.Status, r.Body[max(i, 0):])
	}
	if r := au.get("/audit?q=" + strings.Repeat("a", 1000)); r.Status != http.StatusOK || strings.Contains(r.Body, "最多 1000 个字符") {
		t.Errorf("1000 characters refused: %d", r.Status)
	}
	for _, tc := range []struct{ query, want string }{
		{"q=" + long, "q: 最多 1000 个字符"},
		{"from=garbage", "from: 应为日期 YYYY-MM-DD"},
	} {
		r := au.get("/audit/export.csv?" + tc.query)
		if r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusBadRequest ||
			!strings.Contains(r.Body, tc.want) {
			i := strings.Index(r.Body, "<main")
			t.Errorf("export %.20s: %d %.800s", tc.query, r.Status, r.Body[max(i, 0):])
		}
	}
}
