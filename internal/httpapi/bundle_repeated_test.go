package httpapi_test

import (
	"strings"
	"testing"
)

// TestBundleRepeatedItem: the same evidence item twice in one bundle would
// get two exhibit numbers; it is refused with 422 on "items", naming it.
func TestBundleRepeatedItem(t *testing.T) {
	be := newBundleEnv(t, "sqlite")
	id := be.items[0].ID
	r := be.do("POST", "/api/v1/cases/"+be.caseID+"/bundles", be.admin, map[string]any{"title": "一审证据",
		"items": []map[string]string{{"evidence_id": id, "purpose": "证明欠款"}, {"evidence_id": be.items[1].ID, "purpose": "证明催收"},
			{"evidence_id": id, "purpose": "再次证明欠款"}}})
	if r.Status != 422 {
		t.Fatalf("repeated item: %d %s", r.Status, r.Body)
	}
	p := r.problem(t)
	if len(p.Errors) != 1 || p.Errors[0].Field != "items" || !strings.Contains(p.Errors[0].Message, id) {
		t.Fatalf("want one error on items naming %s: %+v", id, p.Errors)
	}
}
