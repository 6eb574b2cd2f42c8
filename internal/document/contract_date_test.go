package document

import (
	"maps"
	"testing"
)

// TestContractDateNotFuture: the lawyer's letter and the payment-order
// application state that the parties signed the contract on contract_date.
// A day after the document's own date (2062 typed for 2026) printed a
// contract signed in the future, on a letter or a court filing; it is now
// 422 naming contract_date. The document's date itself is accepted.
func TestContractDateNotFuture(t *testing.T) {
	e := mustEngine(t)
	for _, id := range []string{"lawyer_letter", "payment_order_application"} {
		for _, lang := range []string{"zh-CN", "en"} {
			f := maps.Clone(requestFields[id])
			f["contract_date"] = "2026-07-21" // the day after the document's date
			_, err := e.Render(id, lang, Input{Case: testCase(), Evidence: testEvidence(), Fields: f, Now: now})
			onlyField(t, err, "contract_date", "must not be in the future")
			f["contract_date"] = "2026-07-20"
			if _, err := e.Render(id, lang, Input{Case: testCase(), Evidence: testEvidence(), Fields: f, Now: now}); err != nil {
				t.Errorf("%s.%s contract signed on the document's date: %v", id, lang, err)
			}
		}
	}
}
