package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

func TestRecovery(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
		c := newCase("R-1", dossier.NewDate(2026, 1, 1))
		other := newCase("R-2", dossier.NewDate(2026, 2, 1))
		for _, x := range []*dossier.Case{c, other} {
			if err := db.CreateCase(ctx, x); err != nil {
				t.Fatal(err)
			}
		}
		ev := &dossier.Evidence{CaseID: c.ID, Kind: "statement", Title: "银行回单", Description: "第一笔还款", Filename: "a.pdf",
			MediaType: "application/pdf", Size: 1, SHA256: "r1", TextStatus: dossier.TextNone, OccurredAt: &now, CreatedAt: now}
		gone := &dossier.Evidence{CaseID: c.ID, Kind: "letter", Title: "律师函", Filename: "b.pdf",
			MediaType: "application/pdf", Size: 1, SHA256: "r2", TextStatus: dossier.TextNone, CreatedAt: now, DeletedAt: &now}
		for _, e := range []*dossier.Evidence{ev, gone} {
			if err := db.CreateEvidence(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		pay := &dossier.Payment{CaseID: c.ID, PaidAt: now, Amount: 100000, Method: "bank_transfer",
			EvidenceID: ev.ID, Flags: []string{}, CreatedAt: now}
		t.Run("PaymentsOK", func(t *testing.T) {
			if err := db.AddPayment(ctx, pay); err != nil {
				t.Fatal(err)
			}
			rev := &dossier.Payment{CaseID: c.ID, PaidAt: now, Amount: -100000, Method: "bank_transfer",
				Reason: "entered twice", Reverses: pay.ID, Flags: []string{}, CreatedAt: now.Add(time.Minute)}
			if err := db.AddPayment(ctx, rev); err != nil {
				t.Fatal(err)
			}
			ps, err := db.Payments(ctx, c.ID)
			if err != nil || len(ps) != 2 {
				t.Fatalf("payments: %v %+v", err, ps)
			}
			if ps[0].ID != pay.ID || ps[0].ReversedBy != rev.ID || ps[1].Reverses != pay.ID || ps[0].EvidenceID != ev.ID ||
				ps[1].EvidenceID != "" || ps[1].Amount != -100000 || !ps[0].PaidAt.Equal(now) {
				t.Fatalf("ledger round trip: %+v %+v", ps[0], ps[1])
			}
			got, err := db.Payment(ctx, pay.ID)
			if err != nil || got.ReversedBy != rev.ID {
				t.Fatalf("payment: %v %+v", err, got)
			}
		})
		t.Run("ErrConflictDoubleReversal", func(t *testing.T) {
			again := &dossier.Payment{CaseID: c.ID, PaidAt: now, Amount: -100000, Method: "bank_transfer",
				Reason: "again", Reverses: pay.ID, Flags: []string{}, CreatedAt: now}
			err := db.AddPayment(ctx, again)
			if dossier.ErrorCode(err) != dossier.ECONFLICT || dossier.ErrorFields(err)[0].Field != "reverses" {
				t.Fatalf("second reversal: %v", err)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			if _, err := db.Payment(ctx, "nope"); dossier.ErrorCode(err) != dossier.ENOTFOUND {
				t.Fatalf("absent payment: %v", err)
			}
			p := &dossier.Payment{CaseID: "nope", PaidAt: now, Amount: 1, Method: "cash", CreatedAt: now}
			if err := db.AddPayment(ctx, p); dossier.ErrorCode(err) != dossier.ENOTFOUND {
				t.Fatalf("payment on absent case: %v", err)
			}
		})
		plan := &dossier.InstallmentPlan{CaseID: c.ID, Total: 30000, Installments: 2,
			FirstDueDate: dossier.NewDate(2026, 6, 30), AgreedOn: dossier.NewDate(2026, 5, 1), DocumentID: "doc1",
			Schedule: []dossier.ScheduledInstallment{{N: 1, DueDate: dossier.NewDate(2026, 6, 30), Amount: 15000},
				{N: 2, DueDate: dossier.NewDate(2026, 7, 30), Amount: 15000}}, CreatedAt: now}
		filing := &dossier.Filing{CaseID: c.ID, Kind: "payment_order", FiledOn: dossier.NewDate(2026, 4, 2),
			Court: "杭州市西湖区人民法院", EvidenceID: ev.ID, CreatedAt: now}
		t.Run("PlansAndFilingsOK", func(t *testing.T) {
			if err := db.AddPlan(ctx, plan); err != nil {
				t.Fatal(err)
			}
			if err := db.AddFiling(ctx, filing); err != nil {
				t.Fatal(err)
			}
			ps, err := db.Plans(ctx, c.ID)
			if err != nil || len(ps) != 1 || len(ps[0].Schedule) != 2 || ps[0].Schedule[1].Amount != 15000 ||
				!ps[0].Schedule[1].DueDate.Equal(plan.Schedule[1].DueDate.Time) || ps[0].DocumentID != "doc1" ||
				ps[0].EvidenceID != "" || !ps[0].AgreedOn.Equal(plan.AgreedOn.Time) {
				t.Fatalf("plans: %v %+v", err, ps)
			}
			fs, err := db.Filings(ctx, c.ID)
			if err != nil || len(fs) != 1 || fs[0].Court != filing.Court || fs[0].EvidenceID != ev.ID ||
				!fs[0].FiledOn.Equal(filing.FiledOn.Time) {
				t.Fatalf("filings: %v %+v", err, fs)
			}
		})
		t.Run("CaseRecords", func(t *testing.T) {
			promise := dossier.Money(5000)
			for _, m := range []*dossier.Communication{
				{CaseID: c.ID, OccurredAt: now, Channel: "phone", Summary: "无结果", EvidenceIDs: []string{}, Flags: []string{}},
				{CaseID: c.ID, OccurredAt: now.Add(time.Minute), Channel: "phone", Summary: "承诺", PromiseAmount: &promise,
					EvidenceIDs: []string{ev.ID}, Flags: []string{}},
				{CaseID: c.ID, OccurredAt: now.Add(2 * time.Minute), Channel: "letter", Summary: "催告", Interruption: "demand",
					EvidenceIDs: []string{}, Flags: []string{}},
			} {
				if err := db.AddCommunication(ctx, m); err != nil {
					t.Fatal(err)
				}
			}
			// A courier's record of receipt, whose description says the
			// letter was served.
			receipt := &dossier.Evidence{CaseID: c.ID, Kind: "other", Title: "EMS 妥投", Description: "律师函已由债务人签收",
				Filename: "ems.pdf", MediaType: "application/pdf", Size: 1, SHA256: "r3", TextStatus: dossier.TextNone,
				OccurredAt: &now, CreatedAt: now.Add(time.Minute)}
			if err := db.CreateEvidence(ctx, receipt); err != nil {
				t.Fatal(err)
			}
			for i, tmpl := range []string{"installment_agreement", "lawyer_letter"} {
				doc := &dossier.Document{ID: dossier.NewID(), CaseID: c.ID, Template: tmpl, Lang: "zh-CN", SHA256: "d",
					Fields: map[string]string{}, CreatedAt: now.Add(time.Duration(i) * time.Minute)}
				if err := db.CreateDocument(ctx, doc); err != nil {
					t.Fatal(err)
				}
			}
			for _, all := range []bool{true, false} {
				recs, err := db.CaseRecords(ctx, all, []string{c.ID, "absent"})
				if err != nil {
					t.Fatal(err)
				}
				r := recs[c.ID]
				if r == nil || r.Case.Number != "R-1" || len(r.Payments) != 2 || len(r.Plans) != 1 ||
					len(r.Filings) != 1 || len(r.Plans[0].Schedule) != 2 {
					t.Fatalf("all=%v: records %+v", all, r)
				}
				// Only interrupting communications, only live evidence.
				if len(r.Communications) != 2 || r.Communications[0].Summary != "" ||
					*r.Communications[0].PromiseAmount != 5000 || r.Communications[1].Interruption != "demand" {
					t.Fatalf("all=%v: communications %+v", all, r.Communications)
				}
				if len(r.Agreements) != 1 || r.Agreements[0].Template != "installment_agreement" || !r.Agreements[0].CreatedAt.Equal(now) {
					t.Fatalf("all=%v: agreements %+v", all, r.Agreements)
				}
				// With titles, and the descriptions of the kinds that can
				// prove service (a bank slip's is not loaded): they say
				// whether an item proves a letter was served.
				if len(r.Evidence) != 2 || r.Evidence[0].ID != ev.ID || r.Evidence[0].OccurredAt == nil ||
					r.Evidence[0].Title != ev.Title || r.Evidence[0].Description != "" ||
					r.Evidence[1].ID != receipt.ID || r.Evidence[1].Description != receipt.Description {
					t.Fatalf("all=%v: evidence %+v", all, r.Evidence)
				}
				if _, ok := recs["absent"]; ok {
					t.Fatal("absent case in records")
				}
				if o := recs[other.ID]; all != (o != nil) {
					t.Fatalf("all=%v: other case %+v", all, o)
				}
			}
			ms, err := db.Communications(ctx, c.ID)
			if err != nil || len(ms) != 3 || ms[2].Interruption != "demand" {
				t.Fatalf("interruption round trip: %v %+v", err, ms)
			}
		})
	})
}
