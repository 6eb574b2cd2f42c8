package document

import (
	"slices"

	"github.com/dossier/dossier/internal/dossier"
)

// Missing is one kind of supporting evidence a filing lacks.
type Missing struct {
	Kind     string `json:"kind"`
	Why      string `json:"why"`
	Required bool   `json:"required"` // false: recommended, does not block readiness
}

// need is one kind of support a document rests on, met by any of kinds.
type need struct {
	kind     string
	kinds    []dossier.EvidenceKind
	required bool
	why      string
}

var (
	needContract = need{"contract", []dossier.EvidenceKind{"contract"}, true,
		"the contract the claim rests on (合同): the court checks the debt arises from it"}
	needDelivery = need{"delivery", []dossier.EvidenceKind{"delivery"}, true,
		"proof the creditor performed (送货单、验收单): a payment order requires that the creditor owes no counter-performance"}
	needAmount = need{"invoice", []dossier.EvidenceKind{"invoice", "statement"}, true,
		"an invoice or statement of account (发票、对账单) fixing the amount due: the debt must be due and its amount certain"}
	needDemand = need{"letter", []dossier.EvidenceKind{"letter", "email"}, false,
		"a demand for payment (催款函、律师函) with proof of delivery: it shows the debt was claimed and interrupts the limitation period"}
	needAck = need{"acknowledgment", []dossier.EvidenceKind{"statement", "chat", "recording"}, false,
		"the debtor's acknowledgment (对账确认、聊天记录、录音): shows there is no other dispute and interrupts the limitation period"}
)

// readiness lists, per document, the support it needs.
var readiness = map[string][]need{
	"payment_order_application": {needContract, needDelivery, needAmount, needDemand, needAck},
	"lawyer_letter":             {needContract, {needAmount.kind, needAmount.kinds, false, needAmount.why}, {needDelivery.kind, needDelivery.kinds, false, needDelivery.why}},
	"installment_agreement":     {{needContract.kind, needContract.kinds, false, needContract.why}, {needAmount.kind, needAmount.kinds, false, needAmount.why}},
}

// Readiness reports which supporting evidence a case (holding evidence of the
// kinds in have) has and lacks for the document forDoc. ready is false while
// a required kind is missing; recommended kinds are listed but do not block.
// ENOTFOUND for an unknown document.
func Readiness(forDoc string, have []dossier.EvidenceKind) (ready bool, haveKinds []string, missing []Missing, err error) {
	needs, ok := readiness[forDoc]
	if !ok {
		return false, nil, nil, dossier.Errorf(dossier.ENOTFOUND, "no readiness rules for %q", forDoc)
	}
	ready, haveKinds, missing = true, []string{}, []Missing{}
	for _, n := range needs {
		met := slices.ContainsFunc(n.kinds, func(k dossier.EvidenceKind) bool { return slices.Contains(have, k) })
		if met {
			haveKinds = append(haveKinds, n.kind)
			continue
		}
		missing = append(missing, Missing{Kind: n.kind, Why: n.why, Required: n.required})
		ready = ready && !n.required
	}
	return ready, haveKinds, missing, nil
}

// Conditions checks the case itself against the acceptance conditions of the
// supervision procedure (Civil Procedure Law arts. 225–228 and the SPC
// interpretation, DOMAIN.md): the debt is due, its amount is fixed and not
// covered by the payments recorded, the debtor can be served in China, and
// interest or penalties are claimed only on a contractual basis. It returns
// the unmet ones in the form of Missing, for the readiness answer to append;
// other documents have none.
func Conditions(forDoc string, c *dossier.Case, payments []*dossier.Payment, today dossier.Date) []Missing {
	if forDoc != "payment_order_application" || c == nil {
		return nil
	}
	owed := dossier.CaseBalance(c, payments)
	var out []Missing
	if c.DueDate.IsZero() || !c.DueDate.Before(today.Time) {
		out = append(out, Missing{Kind: "due", Required: true,
			Why: "the debt must be due (已届清偿期) before a payment order can be applied for"})
	}
	if c.Principal <= 0 {
		out = append(out, Missing{Kind: "amount", Required: true,
			Why: "the amount claimed must be fixed (金额确定): record the principal"})
	} else if owed.Total() <= 0 {
		out = append(out, Missing{Kind: "amount", Required: true,
			Why: "the payments recorded cover the debt: nothing is left to claim"})
	}
	if c.Debtor.Address == "" {
		out = append(out, Missing{Kind: "debtor_address", Required: true,
			Why: "the order must be servable on the debtor in China (能够送达): record the debtor's domicile"})
	}
	if owed.Interest > 0 {
		out = append(out, Missing{Kind: "contract_interest", Required: false,
			Why: "interest or penalties are allowed only where the contract provides for them: keep the clause with the contract"})
	}
	return out
}
