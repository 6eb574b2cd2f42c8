package httpapi_test

import (
	"fmt"
	"testing"
)

// A document request naming 50,000 unknown fields (650 KB, under the 1 MiB
// body limit) is a 422 naming each, the first in order first; ordering the
// errors was quadratic (see document.TestUnknownFieldsSortedInLinearithmicTime).
func TestDocumentManyUnknownFields(t *testing.T) {
	e := newEnv(t, "sqlite")
	withDocuments(t, e, nil)
	admin := e.login("admin", adminPassword)
	c := e.createCase(admin, "2026-HZ-0001")
	const n = 50000
	fields := make(map[string]string, n)
	for i := range n {
		fields[fmt.Sprintf("x%06d", n-1-i)] = "1"
	}
	r := e.do("POST", "/api/v1/cases/"+c.ID+"/documents", admin,
		map[string]any{"template": "lawyer_letter", "lang": "zh-CN", "fields": fields})
	if r.Status != 422 {
		t.Fatalf("status %d: %.300s", r.Status, r.Body)
	}
	p := r.problem(t)
	seen := 0
	for _, fe := range p.Errors {
		if len(fe.Field) == 7 && fe.Field[0] == 'x' {
			if seen == 0 && fe.Field != "x000000" {
				t.Errorf("first unknown field named is %s, want x000000", fe.Field)
			}
			seen++
		}
	}
	if seen != n {
		t.Errorf("%d unknown fields named, want %d", seen, n)
	}
}
