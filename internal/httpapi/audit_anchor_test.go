package httpapi_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// GET /api/v1/audit/verify?anchor=SEQ:HASH checks the chain against heads
// the auditor kept: the true head at a seq passes, any other hash there is
// reported broken at that seq, and a malformed anchor is 422 naming anchor.
func TestAuditVerifyAnchor(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.login("admin", adminPassword)
	e.createCase(admin, "2026-AU-0900")
	_, aud := e.user(admin, "auditor", dossier.RoleAuditor)
	for i := 0; i < 5; i++ {
		e.do("GET", "/api/v1/me", admin, nil)
	}
	if err := e.audit.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	var page struct {
		Items []struct {
			Seq  int64
			Hash string
		}
	}
	e.do("GET", "/api/v1/audit?limit=5", aud, nil).json(t, &page)
	if len(page.Items) < 5 {
		t.Fatalf("events: %+v", page.Items)
	}
	at := func(i int) string { return strconv.FormatInt(page.Items[i].Seq, 10) + ":" + page.Items[i].Hash }
	var rep struct {
		OK     bool
		Seq    int64
		Reason string
	}
	r := e.do("GET", "/api/v1/audit/verify?anchor="+at(2)+"&anchor="+at(4), aud, nil)
	if r.json(t, &rep); r.Status != 200 || !rep.OK {
		t.Fatalf("true anchors: %d %+v", r.Status, rep)
	}
	wrong := strconv.FormatInt(page.Items[2].Seq, 10) + ":" + page.Items[3].Hash
	r = e.do("GET", "/api/v1/audit/verify?anchor="+wrong, aud, nil)
	if r.json(t, &rep); r.Status != 200 || rep.OK || rep.Seq != page.Items[2].Seq {
		t.Fatalf("an anchor the chain does not pass through: %d %+v, want broken at %d", r.Status, rep, page.Items[2].Seq)
	}
	for _, bad := range []string{"3", "x:" + page.Items[2].Hash, "0:" + page.Items[2].Hash, "3:abc"} {
		r = e.do("GET", "/api/v1/audit/verify?anchor="+bad, aud, nil)
		if r.Status != 422 || !strings.Contains(string(r.Body), `"anchor"`) {
			t.Errorf("anchor %q: %d %s, want 422 naming anchor", bad, r.Status, r.Body)
		}
	}
}
