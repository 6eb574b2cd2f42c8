package document

import (
	"maps"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// TestAsOfNotFuture: an agreement acknowledging the debt "截至" a day
// still to come, or a payment-order application claiming interest
// "计算至" a future day, stated amounts not yet owed; both were printed.
// The document's own date is the latest allowed.
func TestAsOfNotFuture(t *testing.T) {
	e := mustEngine(t)
	for _, c := range []struct{ id, field string }{
		{"installment_agreement", "as_of"}, {"payment_order_application", "interest_to"},
	} {
		for _, lang := range []string{"zh-CN", "en"} {
			f := maps.Clone(requestFields[c.id])
			f[c.field] = "2026-07-21" // the day after the document's date
			_, err := e.Render(c.id, lang, Input{Case: testCase(), Evidence: testEvidence(), Fields: f, Now: now})
			if dossier.ErrorCode(err) != dossier.EINVALID || strings.Join(fieldNames(err), ",") != c.field {
				t.Errorf("%s.%s %s tomorrow: err = %v, want EINVALID naming %s", c.id, lang, c.field, err, c.field)
			}
			f[c.field] = "2026-07-20"
			if _, err := e.Render(c.id, lang, Input{Case: testCase(), Evidence: testEvidence(), Fields: f, Now: now}); err != nil {
				t.Errorf("%s.%s %s today: %v", c.id, lang, c.field, err)
			}
		}
	}
}
