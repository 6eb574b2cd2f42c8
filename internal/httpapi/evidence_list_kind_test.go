package httpapi_test

import (
	"strings"
	"testing"
)

// An unknown kind in the evidence list's query is refused as search
// refuses it (422 naming kind), not answered with an empty list that reads
// as "this case holds no such evidence".
func TestEvidenceListUnknownKind(t *testing.T) {
	e, _, admin := vaultEnv(t, "sqlite", "disk", 0, 0)
	c := e.createCase(admin, "2026-EV-KIND")
	e.mustUpload(admin, c.ID, "contract", "合同.pdf", pdfBytes, 201)
	r := e.do("GET", "/api/v1/cases/"+c.ID+"/evidence?kind=bogus", admin, nil)
	if r.Status != 422 || !strings.Contains(string(r.Body), `"field":"kind"`) {
		t.Fatalf("list with kind=bogus: %d %s, want 422 naming kind", r.Status, r.Body)
	}
	r = e.do("GET", "/api/v1/cases/"+c.ID+"/evidence?kind=contract", admin, nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"total":1`) {
		t.Fatalf("list with kind=contract: %d %s", r.Status, r.Body)
	}
}
