package document

import (
	"fmt"
	"maps"
	"math"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// A request naming many unknown fields is refused with a 422 naming each
// in order; the errors were put in order by an insertion sort, quadratic
// in their number (20,000 names cost seconds). The sort now makes
// O(n log n) comparisons.
func TestUnknownFieldsSortedInLinearithmicTime(t *testing.T) {
	e := mustEngine(t)
	const n = 50000
	fields := maps.Clone(requestFields["lawyer_letter"])
	for i := range n {
		fields[fmt.Sprintf("x%06d", n-1-i)] = "1" // names in reverse of their order
	}
	calls := 0
	old := compareFields
	compareFields = func(a, b dossier.FieldError) int { calls++; return old(a, b) }
	t.Cleanup(func() { compareFields = old })
	in := Input{Case: testCase(), Evidence: testEvidence(), Fields: fields, Now: now}
	_, err := e.Render("lawyer_letter", "zh-CN", in)
	fe := dossier.ErrorFields(err)
	if dossier.ErrorCode(err) != dossier.EINVALID || len(fe) != n {
		t.Fatalf("got %v with %d fields, want 422 naming %d", dossier.ErrorCode(err), len(fe), n)
	}
	if fe[0].Field != "x000000" || fe[0].Message != "is not a field of template lawyer_letter" || fe[n-1].Field != fmt.Sprintf("x%06d", n-1) {
		t.Errorf("first %v, last %v", fe[0], fe[n-1])
	}
	for i := 1; i < n; i++ {
		if fe[i-1].Field > fe[i].Field {
			t.Fatalf("not in order at %d: %s > %s", i, fe[i-1].Field, fe[i].Field)
		}
	}
	if limit := int(4 * n * math.Log2(n)); calls > limit {
		t.Errorf("%d comparisons to order %d field errors, want at most %d", calls, n, limit)
	}
}
