package httpapi_test

import (
	"strconv"
	"strings"
	"testing"
)

// TestHead checks that every GET answers HEAD with the GET's status and
// headers and no body, recorded under the GET's audit action: a client
// checks an exhibit's size, digest and range support before a ranged
// download.
func TestHead(t *testing.T) {
	e, _, admin := vaultEnv(t, "sqlite", "disk", 0, 1<<20)
	c := e.createCase(admin, "2026-HEAD-0001")
	ev := e.mustUpload(admin, c.ID, "contract", "合同.pdf", pdfBytes, 201)

	get := e.do("GET", "/api/v1/evidence/"+ev.ID+"/content", admin, nil)
	head := e.do("HEAD", "/api/v1/evidence/"+ev.ID+"/content", admin, nil)
	if head.Status != 200 || len(head.Body) != 0 {
		t.Fatalf("HEAD content: %d with %d body bytes", head.Status, len(head.Body))
	}
	for _, h := range []string{"ETag", "Repr-Digest", "Accept-Ranges", "Content-Type", "Content-Disposition"} {
		if head.Header.Get(h) == "" || head.Header.Get(h) != get.Header.Get(h) {
			t.Errorf("HEAD %s = %q, GET's %q", h, head.Header.Get(h), get.Header.Get(h))
		}
	}
	if n, _ := strconv.Atoi(head.Header.Get("Content-Length")); n != len(pdfBytes) {
		t.Errorf("HEAD Content-Length %q, want %d", head.Header.Get("Content-Length"), len(pdfBytes))
	}
	if r := e.do("HEAD", "/api/v1/cases", admin, nil); r.Status != 200 || len(r.Body) != 0 {
		t.Errorf("HEAD cases: %d with %d body bytes", r.Status, len(r.Body))
	}
	if r := e.do("HEAD", "/api/v1/evidence/"+ev.ID+"/content", "", nil); r.Status != 401 {
		t.Errorf("HEAD without credentials: %d", r.Status)
	}
	var action string
	for a, k := range e.api.Actions() {
		if a == "GET /api/v1/evidence/:evidence_id/content" {
			action = k
		}
	}
	evs := e.auditEvents(action)
	if action == "" || len(evs) != 3 { // GET, HEAD, refused HEAD
		t.Fatalf("audit events for %q: %d, want 3", action, len(evs))
	}
	// Only the GET took a copy; the trail tells the HEADs apart.
	heads := 0
	for _, ev := range evs {
		if strings.HasPrefix(ev.Detail, "HEAD") {
			heads++
		}
	}
	if heads != 2 {
		t.Errorf("%d of the events say HEAD, want 2: %+v", heads, evs)
	}
	// A HEAD that would count a download or do one is not answered: a mail
	// scanner's HEAD must not use up a share link.
	for _, path := range []string{"/s/sometoken", "/s/sometoken/download", "/api/v1/bundles/b1/download", "/api/v1/audit", "/api/v1/audit/verify"} {
		if r := e.do("HEAD", path, admin, nil); r.Status != 405 {
			t.Errorf("HEAD %s: %d, want 405", path, r.Status)
		}
	}
}
