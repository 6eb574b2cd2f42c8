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

// planRecords is a case of principal and interest (2900.00 and 100.00 when
// debt is nil) settled by plan3, with the given payments and the demands
// that may follow a default.
func planRecords(debt []dossier.Money, payments []*dossier.Payment, ev []*dossier.Evidence, comms []*dossier.Communication) *dossier.CaseRecords {
	r := records("2025-12-31", dossier.StageInstallment)
	r.Case.Principal, r.Case.Interest = 290000, 10000
	if debt != nil {
		r.Case.Principal, r.Case.Interest = debt[0], debt[1]
	}
	r.Plans, r.Payments, r.Evidence, r.Communications = []*dossier.InstallmentPlan{plan3()}, payments, ev, comms
	return r
}

// receipt is proof that a demand letter was served on day on.
func receipt(id, on string) *dossier.Evidence {
	return described(ev(id, "other", on), "EMS 妥投证明", "催告函已由乙方签收")
}

func TestPlanStatus(t *testing.T) {
	reversed := pay("x", "2026-01-30", 100000, "slip")
	reversed.ReversedBy = "y"
	partly := func() []*dossier.Payment {
		return []*dossier.Payment{pay("a", "2026-01-31", 100000, "slip"), pay("b", "2026-02-27", 50000, "slip2")}
	}
	tests := []struct {
		name        string
		debt        []dossier.Money // the case's principal and interest
		payments    []*dossier.Payment
		evidence    []*dossier.Evidence
		comms       []*dossier.Communication
		today       string
		statuses    string // per installment
		paid        []dossier.Money
		remaining   dossier.Money
		due         dossier.Money
		overpaid    dossier.Money
		defaulted   string // defaulted_on, "" when not defaulted
		accelerated string // accelerated_on, "" when not accelerated
		breachShort []dossier.Money
		// claim is the pre-fill's claim_amount, principal and interest;
		// nil when no pre-fill is offered.
		claim []string
		// demandDays is DOSSIER_DEMAND_DAYS; note is part of the plan's note.
		demandDays int
		note       string
	}{
		{name: "OnTime", payments: []*dossier.Payment{pay("a", "2026-01-30", 100000, "slip"), pay("b", "2026-02-28", 100000, "slip2")},
			today: "2026-03-10", statuses: "paid paid due", paid: []dossier.Money{100000, 100000, 0},
			remaining: 100000, due: 0},
		{name: "LateWithinGrace", payments: []*dossier.Payment{pay("a", "2026-02-03", 100000, "")},
			today: "2026-03-02", statuses: "late late due", paid: []dossier.Money{100000, 0, 0},
			remaining: 200000, due: 100000},
		{name: "DueToday", today: "2026-01-31", statuses: "due due due", paid: []dossier.Money{0, 0, 0},
			remaining: 300000, due: 100000},
		{name: "MissedNoDemand", payments: partly(),
			// Without a written demand only the missed part is due, and
			// no application for the whole balance is offered.
			today: "2026-03-10", statuses: "paid missed due", paid: []dossier.Money{100000, 50000, 0},
			remaining: 150000, due: 50000, defaulted: "2026-03-06"},
		{name: "MissedDemandAccelerated", payments: partly(), evidence: []*dossier.Evidence{receipt("ems", "2026-03-07")},
			// The 1500.00 paid went to the interest first (Civil Code
			// art. 561): the balance is all principal.
			comms: []*dossier.Communication{comm("m1", "demand", "letter", "2026-03-07", "ems")},
			today: "2026-03-10", statuses: "paid missed due", paid: []dossier.Money{100000, 50000, 0},
			remaining: 150000, due: 150000, defaulted: "2026-03-06", accelerated: "2026-03-08", breachShort: []dossier.Money{50000},
			claim: []string{"1500.00", "1500.00", ""}},
		{name: "ErrDemandToday", payments: partly(), evidence: []*dossier.Evidence{receipt("ems", "2026-03-10")},
			// The debtor may still pay today.
			comms: []*dossier.Communication{comm("m1", "demand", "letter", "2026-03-10", "ems")},
			today: "2026-03-10", statuses: "paid missed due", paid: []dossier.Money{100000, 50000, 0},
			remaining: 150000, due: 50000, defaulted: "2026-03-06"},
		{name: "ErrDemandBeforeDefault", payments: partly(), evidence: []*dossier.Evidence{receipt("ems", "2026-03-02")},
			comms: []*dossier.Communication{comm("m1", "demand", "letter", "2026-03-02", "ems")},
			today: "2026-03-10", statuses: "paid missed due", paid: []dossier.Money{100000, 50000, 0},
			remaining: 150000, due: 50000, defaulted: "2026-03-06"},
		{name: "ErrDemandByPhone", payments: partly(), evidence: []*dossier.Evidence{ev("rec", "recording", "2026-03-07")},
			comms: []*dossier.Communication{comm("m1", "demand", "phone", "2026-03-07", "rec")},
			today: "2026-03-10", statuses: "paid missed due", paid: []dossier.Money{100000, 50000, 0},
			remaining: 150000, due: 50000, defaulted: "2026-03-06"},
		{name: "ErrDemandLetterUnserved", payments: partly(), evidence: []*dossier.Evidence{ev("l1", "letter", "2026-03-07"),
			ev("goods", "delivery", "2026-03-08")},
			comms: []*dossier.Communication{comm("m1", "demand", "letter", "2026-03-07", "l1", "goods")},
			today: "2026-03-10", statuses: "paid missed due", paid: []dossier.Money{100000, 50000, 0},
			remaining: 150000, due: 50000, defaulted: "2026-03-06"},
		{name: "DemandByEmail", evidence: []*dossier.Evidence{ev("mail", "email", "2026-03-07")},
			// Nothing paid: the interest is still owed and is claimed too.
			comms: []*dossier.Communication{comm("m1", "demand", "email", "2026-03-07", "mail")},
			today: "2026-03-10", statuses: "missed missed due", paid: []dossier.Money{0, 0, 0},
			remaining: 300000, due: 300000, defaulted: "2026-02-06", accelerated: "2026-03-08",
			breachShort: []dossier.Money{100000, 100000}, claim: []string{"3000.00", "2900.00", "100.00"}},
		{name: "ErrLetterServedLater", payments: partly(), evidence: []*dossier.Evidence{receipt("ems", "2026-03-12")},
			// Sent on 7 March, served on 12 March: a notice takes effect when
			// it arrives (art. 137), so the debtor may still pay on the 12th.
			comms: []*dossier.Communication{comm("m1", "demand", "letter", "2026-03-07", "ems")},
			today: "2026-03-12", statuses: "paid missed due", paid: []dossier.Money{100000, 50000, 0},
			remaining: 150000, due: 50000, defaulted: "2026-03-06", note: "served on 2026-03-12"},
		{name: "LetterServedLater", payments: partly(), evidence: []*dossier.Evidence{receipt("ems", "2026-03-12")},
			comms: []*dossier.Communication{comm("m1", "demand", "letter", "2026-03-07", "ems")},
			today: "2026-03-14", statuses: "paid missed due", paid: []dossier.Money{100000, 50000, 0},
			remaining: 150000, due: 150000, defaulted: "2026-03-06", accelerated: "2026-03-13", breachShort: []dossier.Money{50000},
			claim: []string{"1500.00", "1500.00", ""}},
		{name: "ErrWithinDemandPeriod", evidence: []*dossier.Evidence{ev("mail", "email", "2026-03-07")},
			// Seven days from the day after the email: the 14th is the last
			// day to pay.
			comms:      []*dossier.Communication{comm("m1", "demand", "email", "2026-03-07", "mail")},
			demandDays: 7, today: "2026-03-14", statuses: "missed missed due", paid: []dossier.Money{0, 0, 0},
			remaining: 300000, due: 200000, defaulted: "2026-02-06", note: "paid by 2026-03-14"},
		{name: "DemandPeriodOver", evidence: []*dossier.Evidence{ev("mail", "email", "2026-03-07")},
			comms:      []*dossier.Communication{comm("m1", "demand", "email", "2026-03-07", "mail")},
			demandDays: 7, today: "2026-03-15", statuses: "missed missed due", paid: []dossier.Money{0, 0, 0},
			remaining: 300000, due: 300000, defaulted: "2026-02-06", accelerated: "2026-03-15",
			breachShort: []dossier.Money{100000, 100000}, claim: []string{"3000.00", "2900.00", "100.00"}},
		{name: "PaidWithinDemandPeriod", payments: append(partly(), pay("c", "2026-03-12", 50000, "slip3")),
			evidence:   []*dossier.Evidence{ev("mail", "email", "2026-03-07")},
			comms:      []*dossier.Communication{comm("m1", "demand", "email", "2026-03-07", "mail")},
			demandDays: 7, today: "2026-03-20", statuses: "paid missed due", paid: []dossier.Money{100000, 100000, 0},
			remaining: 100000, due: 0, defaulted: "2026-03-06"},
		{name: "MissedNothingPaid", today: "2026-03-10", statuses: "missed missed due", paid: []dossier.Money{0, 0, 0},
			remaining: 300000, due: 200000, defaulted: "2026-02-06"},
		{name: "PlanBelowCaseDebt", debt: []dossier.Money{290000, 50000},
			// 3400.00 owed, 3000.00 agreed: the interest still owed is
			// claimed in full, as generation takes it from the ledger.
			evidence: []*dossier.Evidence{described(ev("l1", "letter", "2026-03-07"), "催告函", "EMS 已妥投")},
			today:    "2026-03-10", statuses: "missed missed due", paid: []dossier.Money{0, 0, 0},
			remaining: 300000, due: 300000, defaulted: "2026-02-06", accelerated: "2026-03-08",
			breachShort: []dossier.Money{100000, 100000}, claim: []string{"3000.00", "2500.00", "500.00"}},
		{name: "PlanAboveCaseDebt", debt: []dossier.Money{250000, 10000},
			// 2600.00 owed, 3000.00 agreed: the principal is no more than
			// the case's; the 400.00 more is interest or penalty agreed.
			evidence: []*dossier.Evidence{ev("mail", "email", "2026-03-07")},
			comms:    []*dossier.Communication{comm("m1", "demand", "wechat", "2026-03-07", "mail")},
			today:    "2026-03-10", statuses: "missed missed due", paid: []dossier.Money{0, 0, 0},
			remaining: 300000, due: 300000, defaulted: "2026-02-06", accelerated: "2026-03-08",
			breachShort: []dossier.Money{100000, 100000}, claim: []string{"3000.00", "2500.00", "500.00"}},
		{name: "DemandCuredTheSameDay", payments: append(partly(), pay("c", "2026-03-07", 50000, "slip3")),
			evidence: []*dossier.Evidence{receipt("ems", "2026-03-07")},
			comms:    []*dossier.Communication{comm("m1", "demand", "letter", "2026-03-07", "ems")},
			today:    "2026-03-10", statuses: "paid missed due", paid: []dossier.Money{100000, 100000, 0},
			remaining: 100000, due: 0, defaulted: "2026-03-06"},
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
			rules := recovery.PlanRules{GraceDays: 5, DemandDays: tc.demandDays}
			views := recovery.PlanStatuses(planRecords(tc.debt, tc.payments, tc.evidence, tc.comms), d(tc.today), rules, shanghai)
			if len(views) != 1 {
				t.Fatalf("%d views", len(views))
			}
			v := views[0]
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
			if v.Defaulted != (tc.defaulted != "") || v.DefaultedOn.String() != tc.defaulted {
				t.Fatalf("defaulted %v on %s, want %q", v.Defaulted, v.DefaultedOn, tc.defaulted)
			}
			if v.Accelerated != (tc.accelerated != "") || v.AcceleratedOn.String() != tc.accelerated ||
				(v.Demand != nil) != v.Accelerated {
				t.Fatalf("accelerated %v on %s by %+v, want %q", v.Accelerated, v.AcceleratedOn, v.Demand, tc.accelerated)
			}
			if v.Defaulted && !v.Accelerated && v.Remaining > 0 && !strings.Contains(v.Note, "written demand") {
				t.Errorf("a defaulted plan not accelerated says nothing of the demand: %q", v.Note)
			}
			checkNoteParts(t, v.Note, v.NoteParts)
			if !strings.Contains(v.Note, tc.note) {
				t.Errorf("note %q lacks %q", v.Note, tc.note)
			}
			if (v.Prefill != nil) != (tc.claim != nil) {
				t.Fatalf("prefill %+v, want claim %v", v.Prefill, tc.claim)
			}
			p := v.Prefill
			if p == nil {
				return
			}
			if p.Amount != v.Remaining || p.Amount != v.AmountDue || p.AgreementDocumentID != "doc1" || len(p.Breach) != len(tc.breachShort) {
				t.Fatalf("prefill %+v", p)
			}
			for i, b := range p.Breach {
				if b.Shortfall != tc.breachShort[i] {
					t.Errorf("breach %d shortfall %s, want %s", b.N, b.Shortfall, tc.breachShort[i])
				}
			}
			got := []string{p.Fields["claim_amount"], p.Fields["principal"], p.Fields["interest"]}
			if strings.Join(got, " ") != strings.Join(tc.claim, " ") {
				t.Errorf("claim_amount, principal, interest %q, want %q", got, tc.claim)
			}
			// The application must add up: claim = principal + interest.
			claim, _ := dossier.ParseMoney(got[0])
			principal, _ := dossier.ParseMoney(got[1])
			var interest dossier.Money
			if got[2] != "" {
				interest, _ = dossier.ParseMoney(got[2])
			}
			if claim != principal+interest || claim != p.Amount {
				t.Errorf("claim %s != principal %s + interest %s (amount %s)", claim, principal, interest, p.Amount)
			}
		})
	}
}
