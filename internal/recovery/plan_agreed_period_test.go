package recovery_test

import (
	"context"
	"testing"
	"time"

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
	// The setting is 0 now; the agreement was signed with 7 days.
	svc, admin, c, doc := agreementCase(t, 0, map[string]string{"debt_total": "300000.00", "installments": "6",
		"first_due_date": "2026-04-30", "as_of": "2026-04-15", "currency": "CNY", "demand_days": "7"},
		time.Date(2026, 4, 15, 9, 0, 0, 0, shanghai))
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
