package document

import (
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// TestFirstDueBeforeDocument: an installment agreement is signed on
// or after the day it is drawn up, and a plan made from it is agreed on
// that day (recovery.AddPlan) and refuses a first installment before it.
// An agreement whose debt is acknowledged as of an earlier day (as_of)
// but whose first installment falls before the document's own date would
// print a schedule already in default when signed, which the plan then
// refuses: it is 422 naming first_due_date, as one before as_of is.
func TestFirstDueBeforeDocument(t *testing.T) {
	e := mustEngine(t)
	render := func(asOf, first string) error {
		f := map[string]string{}
		for k, v := range requestFields["installment_agreement"] {
			f[k] = v
		}
		f["as_of"], f["first_due_date"] = asOf, first
		_, err := e.Render("installment_agreement", "zh-CN", Input{Case: testCase(), Fields: f, Now: now}) // 2026-07-20
		return err
	}
	err := render("2026-07-01", "2026-07-10")
	if dossier.ErrorCode(err) != dossier.EINVALID {
		t.Fatalf("first installment 10 days before the agreement is drawn up: err = %v, want EINVALID", err)
	}
	if fs := err.(*dossier.Error).Fields; len(fs) != 1 || fs[0].Field != "first_due_date" || !strings.Contains(fs[0].Message, "2026-07-20") {
		t.Errorf("fields = %v, want first_due_date naming 2026-07-20", fs)
	}
	for _, first := range []string{"2026-07-20", "2026-08-31"} {
		if err := render("2026-07-01", first); err != nil {
			t.Errorf("first due %s: %v", first, err)
		}
	}
}
