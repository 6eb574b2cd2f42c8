package recovery_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/recovery"
	"github.com/dossier/dossier/internal/sqlstore"
)

// TestPlanWholeUnits: a plan of a yen case is scheduled in whole yen,
// as its printed agreement is, and a total with a fraction of a yen is 422
// naming total; a CNY plan still splits to the fen.
func TestPlanWholeUnits(t *testing.T) {
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	admin := &dossier.Actor{User: &dossier.User{ID: "u", Username: "admin", Role: dossier.RoleAdmin}}
	cases := &casefile.Service{Store: db, Now: time.Now}
	svc := &recovery.Service{Store: db, Cases: cases, Now: time.Now, Location: shanghai, GraceDays: 5}
	first := dossier.DateOf(time.Now()).AddDays(30)
	for _, tc := range []struct {
		cur, want string
	}{{"JPY", "33333.00 33333.00 33334.00"}, {"CNY", "33333.33 33333.33 33333.34"}} {
		c, err := cases.Create(ctx, admin, &dossier.Case{Number: "W-" + tc.cur, Title: "t", Creditor: dossier.Party{Name: "甲"},
			Debtor: dossier.Party{Name: "乙"}, Principal: 10000000, Currency: tc.cur, DueDate: dossier.DateOf(time.Now()).AddDays(-40)})
		if err != nil {
			t.Fatal(err)
		}
		total, n := dossier.Money(10000000), 3
		v, err := svc.AddPlan(ctx, admin, c.ID, &recovery.PlanInput{Total: &total, Installments: &n, FirstDueDate: first})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range v.Schedule {
			got = append(got, r.Amount.String())
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s plan: %v, want %s", tc.cur, got, tc.want)
		}
		if tc.cur == "JPY" {
			frac := dossier.Money(10000050)
			_, err := svc.AddPlan(ctx, admin, c.ID, &recovery.PlanInput{Total: &frac, Installments: &n, FirstDueDate: first})
			if dossier.ErrorCode(err) != dossier.EINVALID || !strings.Contains(err.(*dossier.Error).Fields[0].Field, "total") {
				t.Errorf("JPY plan of 100,000.50: %v, want 422 naming total", err)
			}
		}
	}
}
