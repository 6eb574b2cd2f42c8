package recovery_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/recovery"
)

// TestPlanFromAgreement: a plan made from a generated installment agreement
// (document_id) is rated on the schedule the debtor signs. A total, count
// or first due date given beside the document that differ from what it
// prints made a plan of another schedule, silently: its installments were
// then rated missed or paid against dates and amounts the debtor never
// agreed, and the payment-order pre-fill named the agreement as the basis of
// a balance it does not show. Each such value is now 422 naming the field.
// Nor is the plan agreed before the agreement was drawn up: payments made
// before it, which the acknowledged debt already left out, would pay its
// first installments a second time. Values equal to the document's, or
// left out, are accepted.
func TestPlanFromAgreement(t *testing.T) {
	ctx := context.Background()
	svc, admin, c, doc := agreementCase(t, 7, map[string]string{"debt_total": "300000.00", "installments": "6",
		"first_due_date": "2026-08-31", "as_of": "2026-07-15", "currency": "CNY"}, time.Date(2026, 7, 15, 9, 0, 0, 0, shanghai))
	money := func(s string) *dossier.Money { m, _ := dossier.ParseMoney(s); return &m }
	count := func(n int) *int { return &n }
	for name, tc := range map[string]struct {
		in    recovery.PlanInput
		field string
	}{
		"Total":        {recovery.PlanInput{Total: money("250000.00")}, "total"},
		"Installments": {recovery.PlanInput{Installments: count(3)}, "installments"},
		"FirstDueDate": {recovery.PlanInput{FirstDueDate: d("2026-09-30")}, "first_due_date"},
		"AgreedOn":     {recovery.PlanInput{AgreedOn: d("2026-07-01")}, "agreed_on"},
	} {
		t.Run("Err"+name, func(t *testing.T) {
			in := tc.in
			in.DocumentID = doc.ID
			_, err := svc.AddPlan(ctx, admin, c.ID, &in)
			if dossier.ErrorCode(err) != dossier.EINVALID {
				t.Fatalf("err = %v, want EINVALID naming %s", err, tc.field)
			}
			fs := err.(*dossier.Error).Fields
			if len(fs) != 1 || fs[0].Field != tc.field {
				t.Errorf("fields = %v, want %s alone", fs, tc.field)
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		for _, in := range []recovery.PlanInput{
			{Total: money("300000"), Installments: count(6), FirstDueDate: d("2026-08-31"), AgreedOn: d("2026-07-16")},
			{},
		} {
			in.DocumentID = doc.ID
			v, err := svc.AddPlan(ctx, admin, c.ID, &in)
			if err != nil {
				t.Fatalf("%+v: %v", in, err)
			}
			var got []string
			for _, r := range v.Schedule {
				got = append(got, r.DueDate.String()+" "+r.Amount.String())
			}
			if want := "2026-08-31 50000.00,2026-09-30 50000.00,2026-10-31 50000.00,2026-11-30 50000.00," +
				"2026-12-31 50000.00,2027-01-31 50000.00"; strings.Join(got, ",") != want {
				t.Errorf("schedule %v, want the agreement's %s", got, want)
			}
		}
	})
}

// agreementCase stores a case in installment and an installment agreement
// of it with fields, drawn up at drawn, for a recovery service whose
// DOSSIER_DEMAND_DAYS is demandDays and whose clock stands at 2026-07-20.
func agreementCase(t *testing.T, demandDays int, fields map[string]string, drawn time.Time) (*recovery.Service, *dossier.Actor, *dossier.Case, *dossier.Document) {
	t.Helper()
	ctx := context.Background()
	db := openStore(t)
	now := time.Date(2026, 7, 20, 10, 0, 0, 0, shanghai)
	clock := func() time.Time { return now }
	cases := &casefile.Service{Store: db, Now: clock}
	svc := &recovery.Service{Store: db, Documents: db, Cases: cases, Now: clock, Location: shanghai, GraceDays: 5, DemandDays: demandDays}
	admin := &dossier.Actor{User: &dossier.User{ID: "u1", Username: "admin", Role: dossier.RoleAdmin}}
	c, err := cases.Create(ctx, admin, &dossier.Case{Number: "P-1", Principal: 30000000, Creditor: dossier.Party{Name: "甲公司"},
		Debtor: dossier.Party{Name: "乙公司"}, DueDate: d("2026-03-31"), Stage: dossier.StageInstallment})
	if err != nil {
		t.Fatal(err)
	}
	doc := &dossier.Document{ID: dossier.NewID(), CaseID: c.ID, Template: "installment_agreement", Lang: "zh-CN", SHA256: "d",
		Fields: fields, CreatedAt: drawn}
	if err := db.CreateDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	return svc, admin, c, doc
}
