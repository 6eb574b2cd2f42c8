package recovery

import (
	"context"
	"sort"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
)

// Tally counts the cases of one bucket or stage in one currency. Amount is
// principal plus interest; Paid is the net of the payments ledger;
// Outstanding is what the cases still owe after it (dossier.CaseBalance), so
// a case paid beyond its total adds nothing rather than less than nothing.
type Tally struct {
	Key         string        `json:"key"`
	Currency    string        `json:"currency"`
	Count       int           `json:"count"`
	Amount      dossier.Money `json:"amount"`
	Paid        dossier.Money `json:"paid"`
	Outstanding dossier.Money `json:"outstanding"`
}

// NearDeadline is a case and its limitation deadline.
type NearDeadline struct {
	CaseID   string        `json:"case_id"`
	Number   string        `json:"number"`
	Stage    dossier.Stage `json:"stage"`
	Deadline dossier.Date  `json:"deadline"`
	DaysLeft int           `json:"days_left"`
}

// MissedInstallment is one missed installment of a plan. Currency is the
// case's: the sums mean nothing without it once cases differ in currency.
type MissedInstallment struct {
	CaseID   string `json:"case_id"`
	Number   string `json:"number"`
	PlanID   string `json:"plan_id"`
	Currency string `json:"currency"`
	Breach
}

// Dashboard is the recovery overview of the cases a caller can see. Cases at
// stage closed are counted by bucket and stage but left out of the deadline
// and missed-installment lists, where they would only be noise.
type Dashboard struct {
	AsOf     dossier.Date `json:"as_of"`
	Cases    int          `json:"cases"`
	ByBucket []Tally      `json:"by_bucket"`
	ByStage  []Tally      `json:"by_stage"`
	// Within90 includes the cases of Within30; both hold only deadlines not
	// yet passed, nearest first. Expired lists the claims already time-barred.
	Within30           []NearDeadline      `json:"limitation_within_30"`
	Within90           []NearDeadline      `json:"limitation_within_90"`
	Expired            []NearDeadline      `json:"limitation_expired"`
	DefaultedPlans     int                 `json:"defaulted_plans"`
	MissedInstallments []MissedInstallment `json:"missed_installments"`
}

// BuildDashboard aggregates recs (the visible cases) on day today.
func (s *Service) BuildDashboard(recs map[string]*dossier.CaseRecords, today dossier.Date) *Dashboard {
	loc := s.loc()
	d := &Dashboard{AsOf: today, Within30: []NearDeadline{}, Within90: []NearDeadline{}, Expired: []NearDeadline{},
		MissedInstallments: []MissedInstallment{}}
	type key struct{ k, cur string }
	tallies := map[key]*Tally{}
	currencies := map[string]bool{}
	add := func(k, cur string, amount, paid, outstanding dossier.Money) {
		t := tallies[key{k, cur}]
		if t == nil {
			t = &Tally{Key: k, Currency: cur}
			tallies[key{k, cur}] = t
		}
		t.Count++
		t.Amount += amount
		t.Paid += paid
		t.Outstanding += outstanding
	}
	ids := make([]string, 0, len(recs))
	for id, r := range recs {
		if r.Case != nil {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids) // deterministic lists for equal deadlines
	for _, id := range ids {
		r := recs[id]
		c := r.Case
		c.Compute(today)
		d.Cases++
		currencies[c.Currency] = true
		// What the case still owes by its ledger, never less than nothing:
		// one debtor's overpayment pays no other debtor's debt.
		bal := dossier.CaseBalance(c, r.Payments)
		add("bucket:"+string(c.Bucket), c.Currency, c.Total(), bal.Paid, bal.Total())
		add("stage:"+string(c.Stage), c.Currency, c.Total(), bal.Paid, bal.Total())
		if c.Stage == dossier.StageClosed {
			continue
		}
		l := ComputeLimitation(r, today, loc)
		n := NearDeadline{CaseID: c.ID, Number: c.Number, Stage: c.Stage, Deadline: l.Deadline, DaysLeft: l.DaysLeft}
		switch {
		case l.Expired:
			d.Expired = append(d.Expired, n)
		case l.DaysLeft <= 30:
			d.Within30 = append(d.Within30, n)
			d.Within90 = append(d.Within90, n)
		case l.DaysLeft <= 90:
			d.Within90 = append(d.Within90, n)
		}
		for _, v := range PlanStatuses(r, today, s.rules(), loc) {
			if v.Defaulted {
				d.DefaultedPlans++
			}
			for _, row := range v.Schedule {
				if row.Status == StatusMissed && row.Paid < row.Amount {
					d.MissedInstallments = append(d.MissedInstallments, MissedInstallment{CaseID: c.ID,
						Number: c.Number, PlanID: v.ID, Currency: c.Currency, Breach: Breach{N: row.N, DueDate: row.DueDate,
							Amount: row.Amount, Paid: row.Paid, Shortfall: row.Amount - row.Paid}})
				}
			}
		}
	}
	if len(currencies) == 0 {
		currencies["CNY"] = true
	}
	curs := make([]string, 0, len(currencies))
	for c := range currencies {
		curs = append(curs, c)
	}
	sort.Strings(curs)
	// Every bucket and stage appears in every currency, zeros included, so
	// the layout does not change with the data.
	for _, b := range dossier.Buckets {
		for _, cur := range curs {
			t := tallies[key{"bucket:" + string(b), cur}]
			if t == nil {
				t = &Tally{}
			}
			d.ByBucket = append(d.ByBucket, Tally{Key: string(b), Currency: cur, Count: t.Count, Amount: t.Amount,
				Paid: t.Paid, Outstanding: t.Outstanding})
		}
	}
	for _, st := range dossier.Stages {
		for _, cur := range curs {
			t := tallies[key{"stage:" + string(st), cur}]
			if t == nil {
				t = &Tally{}
			}
			d.ByStage = append(d.ByStage, Tally{Key: string(st), Currency: cur, Count: t.Count, Amount: t.Amount,
				Paid: t.Paid, Outstanding: t.Outstanding})
		}
	}
	byDays := func(xs []NearDeadline) {
		sort.SliceStable(xs, func(i, j int) bool { return xs[i].DaysLeft < xs[j].DaysLeft })
	}
	byDays(d.Within30)
	byDays(d.Within90)
	byDays(d.Expired)
	return d
}

// visibleRecords loads the records of every case a may see.
func (s *Service) visibleRecords(ctx context.Context, a *dossier.Actor) (map[string]*dossier.CaseRecords, error) {
	all, ids := policy.VisibleCases(a)
	if !all && len(ids) == 0 {
		return map[string]*dossier.CaseRecords{}, nil
	}
	return s.Store.CaseRecords(ctx, all, ids)
}

// Dashboard returns the overview of the cases a may see.
func (s *Service) Dashboard(ctx context.Context, a *dossier.Actor) (*Dashboard, error) {
	if err := policy.Can(a, policy.DashboardRead, ""); err != nil {
		return nil, err
	}
	recs, err := s.visibleRecords(ctx, a)
	if err != nil {
		return nil, err
	}
	return s.BuildDashboard(recs, s.today()), nil
}
