package recovery_test

import (
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/recovery"
)

// plan3 is 3000.00 in three installments due 31 Jan, 28 Feb and 31 Mar 2026.
func plan3() *dossier.InstallmentPlan {
	return &dossier.InstallmentPlan{ID: "p1", Total: 300000, Installments: 3, AgreedOn: d("2026-01-05"),
		FirstDueDate: d("2026-01-31"), DocumentID: "doc1",
		Schedule: []dossier.ScheduledInstallment{{N: 1, DueDate: d("2026-01-31"), Amount: 100000},
			{N: 2, DueDate: d("2026-02-28"), Amount: 100000}, {N: 3, DueDate: d("2026-03-31"), Amount: 100000}}}
}

func TestPlanStatus(t *testing.T) {
	reversed := pay("x", "2026-01-30", 100000, "slip")
	reversed.ReversedBy = "y"
	tests := []struct {
		name        string
		payments    []*dossier.Payment
		today       string
		statuses    string // per installment
		paid        []dossier.Money
		remaining   dossier.Money
		due         dossier.Money
		overpaid    dossier.Money
		defaulted   string // defaulted_on, "" when not defaulted
		breachShort []dossier.Money
	}{
		{name: "OnTime", payments: []*dossier.Payment{pay("a", "2026-01-30", 100000, "slip"), pay("b", "2026-02-28", 100000, "")},
			today: "2026-03-10", statuses: "paid paid due", paid: []dossier.Money{100000, 100000, 0},
			remaining: 100000, due: 0},
		{name: "LateWithinGrace", payments: []*dossier.Payment{pay("a", "2026-02-03", 100000, "")},
			today: "2026-03-02", statuses: "late late due", paid: []dossier.Money{100000, 0, 0},
			remaining: 200000, due: 100000},
		{name: "DueToday", today: "2026-01-31", statuses: "due due due", paid: []dossier.Money{0, 0, 0},
			remaining: 300000, due: 100000},
		{name: "MissedAccelerated", payments: []*dossier.Payment{pay("a", "2026-01-31", 100000, "slip"),
			pay("b", "2026-02-27", 50000, "slip2")},
			today: "2026-03-10", statuses: "paid missed due", paid: []dossier.Money{100000, 50000, 0},
			remaining: 150000, due: 150000, defaulted: "2026-03-06", breachShort: []dossier.Money{50000}},
		{name: "PaidAfterGraceStaysDefaulted", payments: []*dossier.Payment{pay("a", "2026-02-10", 300000, "")},
			today: "2026-04-10", statuses: "missed paid paid", paid: []dossier.Money{100000, 100000, 100000},
			remaining: 0, due: 0, defaulted: "2026-02-06"},
		{name: "Overpayment", payments: []*dossier.Payment{pay("a", "2026-01-20", 150000, ""),
			pay("b", "2026-02-25", 50000, ""), pay("c", "2026-03-01", 150000, "")},
			today: "2026-05-01", statuses: "paid paid paid", paid: []dossier.Money{100000, 100000, 100000},
			remaining: 0, due: 0, overpaid: 50000},
		{name: "ReversedPaymentIgnored", payments: []*dossier.Payment{reversed,
			{ID: "y", PaidAt: at("2026-01-31"), Amount: -100000, Reverses: "x"}},
			today: "2026-02-03", statuses: "late due due", paid: []dossier.Money{0, 0, 0},
			remaining: 300000, due: 100000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := recovery.PlanStatus(plan3(), tc.payments, d(tc.today), 5, shanghai)
			var st []string
			for i, row := range v.Schedule {
				st = append(st, row.Status)
				if row.Paid != tc.paid[i] {
					t.Errorf("installment %d paid %s, want %s", row.N, row.Paid, tc.paid[i])
				}
			}
			if got := strings.Join(st, " "); got != tc.statuses {
				t.Fatalf("statuses %q, want %q", got, tc.statuses)
			}
			if v.Remaining != tc.remaining || v.AmountDue != tc.due || v.Overpaid != tc.overpaid {
				t.Errorf("remaining %s due %s overpaid %s, want %s %s %s", v.Remaining, v.AmountDue, v.Overpaid,
					tc.remaining, tc.due, tc.overpaid)
			}
			if v.Defaulted != (tc.defaulted != "") || v.Accelerated != v.Defaulted || v.DefaultedOn.String() != tc.defaulted {
				t.Fatalf("defaulted %v on %s accelerated %v, want %q", v.Defaulted, v.DefaultedOn, v.Accelerated, tc.defaulted)
			}
			if (v.Prefill != nil) != (tc.breachShort != nil) {
				t.Fatalf("prefill %+v", v.Prefill)
			}
			if p := v.Prefill; p != nil {
				if p.Amount != v.Remaining || p.AgreementDocumentID != "doc1" || len(p.Breach) != len(tc.breachShort) ||
					p.Fields["claim_amount"] != v.Remaining.String() || strings.Join(p.PaymentEvidenceIDs, ",") != "slip,slip2" {
					t.Fatalf("prefill %+v", p)
				}
				for i, b := range p.Breach {
					if b.Shortfall != tc.breachShort[i] {
						t.Errorf("breach %d shortfall %s, want %s", b.N, b.Shortfall, tc.breachShort[i])
					}
				}
			}
		})
	}
}
