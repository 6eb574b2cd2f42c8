package recovery_test

import (
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/recovery"
)

// A plan made from an agreement is rated on the demand period that
// agreement states (the debtor signed "收到催告之日起7日内"), not on a
// DOSSIER_DEMAND_DAYS changed since: with the setting now 0, a demand
// served on the 7th accelerated the plan on the 8th, six days before the
// debtor's time to pay ran out. A plan whose agreement states no period
// (drawn up before agreements did) takes the setting.
func TestPlanUsesAgreementDemandDays(t *testing.T) {
	rate := func(agreementDays string) *recovery.PlanView {
		r := planRecords(nil, nil, []*dossier.Evidence{ev("mail", "email", "2026-03-07")},
			[]*dossier.Communication{comm("m1", "demand", "email", "2026-03-07", "mail")})
		doc := &dossier.Document{ID: "agr1", CaseID: r.Case.ID, Template: "installment_agreement",
			Fields: map[string]string{"demand_days": agreementDays}}
		r.Plans[0].DocumentID = doc.ID
		r.Agreements = []*dossier.Document{doc}
		views := recovery.PlanStatuses(r, d("2026-03-14"), recovery.PlanRules{GraceDays: 5, DemandDays: 0}, shanghai)
		if len(views) != 1 {
			t.Fatalf("%d views", len(views))
		}
		return views[0]
	}
	if v := rate("7"); v.Accelerated {
		t.Errorf("agreement of 7 days, setting 0: accelerated on %s, within the debtor's 7 days", v.AcceleratedOn)
	}
	if v := rate(""); !v.Accelerated || v.AcceleratedOn.String() != "2026-03-08" {
		t.Errorf("agreement stating no period, setting 0: accelerated %v on %s, want 2026-03-08", v.Accelerated, v.AcceleratedOn)
	}
}
