package recovery_test

import (
	"context"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/recovery"
)

// TestPlanAgreedPeriodFromStore: a plan made from a stored agreement is
// rated on the demand period the agreement states, when read back through
// the metadata store as the case page, the API and the dashboard read it.
// The store's case records carry agreements with ID, case, template and
// date only, so the agreement's demand_days was never seen outside a test
// that built the records by hand, and every plan took DOSSIER_DEMAND_DAYS.
func TestPlanAgreedPeriodFromStore(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	now := time.Date(2026, 7, 20, 10, 0, 0, 0, shanghai)
	clock := func() time.Time { return now }
	cases := &casefile.Service{Store: db, Now: clock}
	// The setting is 0 now; the agreement was signed with 7 days.
	svc := &recovery.Service{Store: db, Documents: db, Cases: cases, Now: clock, Location: shanghai, GraceDays: 5, DemandDays: 0}
	admin := &dossier.Actor{User: &dossier.User{ID: "u1", Username: "admin", Role: dossier.RoleAdmin}}
	c, err := cases.Create(ctx, admin, &dossier.Case{Number: "P-7", Principal: 30000000, Creditor: dossier.Party{Name: "甲公司"},
		Debtor: dossier.Party{Name: "乙公司"}, DueDate: d("2026-03-31"), Stage: dossier.StageInstallment})
	if err != nil {
		t.Fatal(err)
	}
	doc := &dossier.Document{ID: dossier.NewID(), CaseID: c.ID, Template: "installment_agreement", Lang: "zh-CN", SHA256: "d",
		Fields: map[string]string{"debt_total": "300000.00", "installments": "6", "first_due_date": "2026-04-30",
			"as_of": "2026-04-15", "currency": "CNY", "demand_days": "7"},
		CreatedAt: time.Date(2026, 4, 15, 9, 0, 0, 0, shanghai)}
	if err := db.CreateDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	added, err := svc.AddPlan(ctx, admin, c.ID, &recovery.PlanInput{DocumentID: doc.ID})
	if err != nil {
		t.Fatal(err)
	}
	listed, err := svc.Plans(ctx, admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for name, views := range map[string][]*recovery.PlanView{"AddPlan": {added}, "Plans": listed} {
		if len(views) != 1 || !views[0].Defaulted {
			t.Fatalf("%s: want one plan in default, got %+v", name, views)
		}
		days := ""
		for _, p := range views[0].NoteParts {
			if p.Code == recovery.NotePlanNoDemand {
				days = p.Params["days"]
			}
		}
		if days != "7" {
			t.Errorf("%s: plan rated on a demand period of %q days, want the agreement's 7 (note: %s)", name, days, views[0].Note)
		}
	}
}
