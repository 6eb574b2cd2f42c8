package recovery_test

import (
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/recovery"
)

// TestLimitationLeapYear: a debt due on 29 February runs out on 28
// February three years later (Civil Code arts. 188, 201–202), is still alive
// on that day and expired the next; a restart on a month's last day keeps it.
func TestLimitationLeapYear(t *testing.T) {
	r := records("2024-02-29", dossier.StageNegotiation)
	for _, tc := range []struct {
		today   string
		left    int
		expired bool
	}{{"2027-02-27", 1, false}, {"2027-02-28", 0, false}, {"2027-03-01", -1, true}} {
		l := recovery.ComputeLimitation(r, d(tc.today), shanghai)
		if l.Deadline.String() != "2027-02-28" || l.DaysLeft != tc.left || l.Expired != tc.expired {
			t.Errorf("%s: deadline %s, %d days left, expired %v", tc.today, l.Deadline, l.DaysLeft, l.Expired)
		}
	}
	r.Evidence = []*dossier.Evidence{ev("slip", "other", "2025-01-31")}
	r.Payments = []*dossier.Payment{pay("p1", "2025-01-31", 10000, "slip")}
	if l := recovery.ComputeLimitation(r, d("2026-01-01"), shanghai); l.Deadline.String() != "2028-01-31" {
		t.Errorf("restart on 31 Jan 2025: deadline %s, want 2028-01-31", l.Deadline)
	}
	// A debtor's payment on the deadline itself still restarts the period.
	r.Evidence = []*dossier.Evidence{ev("slip", "other", "2027-02-28")}
	r.Payments = []*dossier.Payment{pay("p1", "2027-02-28", 10000, "slip")}
	if l := recovery.ComputeLimitation(r, d("2027-03-01"), shanghai); l.Deadline.String() != "2030-02-28" || l.Expired {
		t.Errorf("payment on the last day: deadline %s expired %v, want 2030-02-28", l.Deadline, l.Expired)
	}
}

// TestBucketBoundaries: days overdue and aging buckets at the exact
// boundaries, and the due-date windows of ?bucket= agree with them.
func TestBucketBoundaries(t *testing.T) {
	today := d("2026-07-20")
	for _, tc := range []struct {
		days int
		want dossier.Bucket
	}{{-1, "normal"}, {0, "normal"}, {29, "normal"}, {30, "attention"}, {59, "attention"}, {60, "warning"},
		{89, "warning"}, {90, "danger"}, {1000, "danger"}} {
		c := &dossier.Case{DueDate: today.AddDays(-tc.days)}
		c.Compute(today)
		if c.Bucket != tc.want || c.DaysOverdue != max(tc.days, 0) {
			t.Errorf("%d days: %s, %d overdue", tc.days, c.Bucket, c.DaysOverdue)
		}
		from, to, _ := dossier.BucketRange(tc.want, today)
		if (!from.IsZero() && c.DueDate.Before(from.Time)) || (!to.IsZero() && c.DueDate.After(to.Time)) {
			t.Errorf("%d days: due %s outside %s window %s..%s", tc.days, c.DueDate, tc.want, from, to)
		}
	}
}

// TestPlanGraceBoundaries: an installment due 31 January with five
// days' grace is late through 5 February and missed from the 6th; paid on
// its day it is paid, within the grace late.
func TestPlanGraceBoundaries(t *testing.T) {
	rules := recovery.PlanRules{GraceDays: 5, DemandDays: 7}
	for _, tc := range []struct {
		today, paidOn, want string
	}{
		{"2026-01-31", "", "due"}, {"2026-02-01", "", "late"}, {"2026-02-05", "", "late"}, {"2026-02-06", "", "missed"},
		{"2026-03-01", "2026-01-31", "paid"}, {"2026-03-01", "2026-02-05", "late"}, {"2026-03-01", "2026-02-06", "missed"},
	} {
		var pays []*dossier.Payment
		if tc.paidOn != "" {
			pays = []*dossier.Payment{pay("a", tc.paidOn, 100000, "")}
		}
		v := recovery.PlanStatuses(planRecords(nil, pays, nil, nil), d(tc.today), rules, shanghai)[0]
		if got := v.Schedule[0].Status; got != tc.want {
			t.Errorf("today %s, paid %q: %s, want %s", tc.today, tc.paidOn, got, tc.want)
		}
		if (tc.want == "missed") != (v.Defaulted && v.DefaultedOn.String() == "2026-02-06") {
			t.Errorf("today %s, paid %q: defaulted %v on %s", tc.today, tc.paidOn, v.Defaulted, v.DefaultedOn)
		}
	}
}

// TestDashboardOverpaid: a debtor who paid more than its case's total
// owes nothing, and the excess is not a payment on anybody else's debt: the
// dashboard's outstanding amount of a bucket or stage must not shrink by it.
func TestDashboardOverpaid(t *testing.T) {
	owing := records("2026-01-01", dossier.StageNegotiation) // 10,000.00, nothing paid
	owing.Case.ID, owing.Case.Number = "a", "A-1"
	over := records("2026-01-01", dossier.StageNegotiation) // 10,000.00, 12,000.00 paid
	over.Case.ID, over.Case.Number = "b", "B-1"
	over.Payments = []*dossier.Payment{pay("p", "2026-02-01", 1200000, "")}
	svc := &recovery.Service{Location: shanghai, GraceDays: 5}
	dash := svc.BuildDashboard(map[string]*dossier.CaseRecords{"a": owing, "b": over}, d("2026-07-20"))
	for _, x := range append(dash.ByBucket, dash.ByStage...) {
		if (x.Key == "danger" || x.Key == "negotiation") && x.Currency == "CNY" {
			if x.Count != 2 || x.Amount != 2000000 || x.Paid != 1200000 || x.Outstanding != 1000000 {
				t.Errorf("%s: %+v, want outstanding 10,000.00 (case A's debt)", x.Key, x)
			}
		}
		if x.Outstanding < 0 {
			t.Errorf("%s/%s: negative outstanding %s", x.Key, x.Currency, x.Outstanding)
		}
	}
}

// A proven plan whose last installment falls due after the deadline counted
// from the agreement says what SPC Provisions on limitation art. 5 would
// give (from the last due date) without moving the deadline; once a later
// event gives a deadline beyond that, the note is gone.
func TestPlanLastInstallmentNote(t *testing.T) {
	for _, tt := range []struct {
		name     string
		months   int
		wantNote bool
		deadline string
	}{{"Long", 48, true, "2030-01-02"}, {"Short", 3, false, "2030-01-02"}} {
		t.Run(tt.name, func(t *testing.T) {
			r := records("2023-03-01", dossier.StageInstallment)
			r.Evidence = []*dossier.Evidence{ev("signed", "contract", "2026-01-10")}
			p := &dossier.InstallmentPlan{ID: "p1", Total: 480000, Installments: tt.months, AgreedOn: d("2026-01-10"),
				EvidenceID: "signed"}
			for i := 0; i < tt.months; i++ {
				p.Schedule = append(p.Schedule, dossier.ScheduledInstallment{N: i + 1,
					DueDate: dossier.DateOf(d("2026-02-10").AddDate(0, i, 0)), Amount: 10000})
			}
			r.Plans = []*dossier.InstallmentPlan{p}
			r.Evidence = append(r.Evidence, ev("slip", "statement", "2027-01-02"))
			r.Payments = []*dossier.Payment{pay("pay1", "2027-01-02", 10000, "slip")}
			lim := recovery.ComputeLimitation(r, d("2026-06-01"), nil)
			if lim.Deadline.String() != tt.deadline {
				t.Errorf("deadline %s, want %s (from the payment)", lim.Deadline, tt.deadline)
			}
			var b *recovery.Basis
			for i := range lim.Basis {
				if lim.Basis[i].PlanID == "p1" {
					b = &lim.Basis[i]
				}
			}
			if b == nil || !b.Counted {
				t.Fatalf("plan basis %+v", b)
			}
			var part *recovery.NotePart
			for i := range b.NoteParts {
				if b.NoteParts[i].Code == recovery.NotePlanLastDue {
					part = &b.NoteParts[i]
				}
			}
			if !tt.wantNote {
				if part != nil {
					t.Errorf("short plan noted %v", part)
				}
				return
			}
			last := p.Schedule[len(p.Schedule)-1].DueDate.String()
			if part == nil || part.Params["last_due"] != last || part.Params["later"] != "2033-01-10" ||
				!strings.Contains(b.Note, "art. 5") {
				t.Errorf("note %q, parts %+v: want the last due %s and the later deadline 2033-01-10", b.Note, b.NoteParts, last)
			}
		})
	}
}
