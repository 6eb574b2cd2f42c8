package recovery_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/recovery"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

// benchCases is the dashboard size: DOSSIER_BENCH_CASES, default 10000.
func benchCases() int {
	if n, err := strconv.Atoi(os.Getenv("DOSSIER_BENCH_CASES")); err == nil && n > 0 {
		return n
	}
	return 10000
}

// manyEvents is a case with n interrupting records of every kind.
func manyEvents(n int) *dossier.CaseRecords {
	r := records("2015-01-10", dossier.StageLawyerLetter)
	day := d("2015-02-01")
	for i := 0; i < n; i++ {
		on := day.AddDays(i * 3).String()
		id := fmt.Sprint("e", i)
		switch i % 4 {
		case 0:
			r.Evidence = append(r.Evidence, ev(id, "recording", on))
			r.Communications = append(r.Communications, comm(fmt.Sprint("m", i), "demand", "phone", on, id))
		case 1:
			r.Evidence = append(r.Evidence, ev(id, "statement", on))
			r.Payments = append(r.Payments, pay(fmt.Sprint("p", i), on, 1000, id))
		case 2:
			r.Evidence = append(r.Evidence, ev(id, "letter", on),
				described(ev(id+"d", "other", day.AddDays(i*3+2).String()), "EMS 妥投", "律师函已签收"))
			r.Communications = append(r.Communications, comm(fmt.Sprint("m", i), "demand", "letter", on, id, id+"d"))
		case 3:
			r.Communications = append(r.Communications, comm(fmt.Sprint("m", i), "acknowledgment", "wechat", on))
		}
	}
	return r
}

// BenchmarkLimitation computes the deadline of one case with many events.
func BenchmarkLimitation(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		r := manyEvents(n)
		b.Run(fmt.Sprint("events=", n), func(b *testing.B) {
			for b.Loop() {
				recovery.ComputeLimitation(r, d("2026-11-25"), shanghai)
			}
		})
	}
}

// seed stores n cases, each with a promise, two payments (one with evidence)
// and, for every tenth case, an installment plan.
func seed(b *testing.B, db *sqlstore.DB, n int) {
	b.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	err := db.InTx(ctx, func(tx dossier.Store) error {
		rs := tx.(recovery.Store)
		for i := 0; i < n; i++ {
			due := dossier.DateOf(now).AddDays(-(i % 1400))
			c := &dossier.Case{Number: fmt.Sprint("B-", i), Title: "bench", Creditor: dossier.Party{Name: "甲"},
				Debtor: dossier.Party{Name: "乙"}, Principal: dossier.Money(100000 + i), Currency: "CNY", DueDate: due,
				Stage: dossier.Stages[i%len(dossier.Stages)], CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateCase(ctx, c); err != nil {
				return err
			}
			at := due.Time.Add(36 * time.Hour)
			e := &dossier.Evidence{CaseID: c.ID, Kind: "statement", Title: "回单", Filename: "a.pdf", MediaType: "application/pdf",
				SHA256: c.ID, TextStatus: dossier.TextNone, OccurredAt: &at, CreatedAt: now}
			if err := tx.CreateEvidence(ctx, e); err != nil {
				return err
			}
			amt := dossier.Money(5000)
			if err := tx.AddCommunication(ctx, &dossier.Communication{CaseID: c.ID, OccurredAt: at, Channel: "phone",
				Summary: "承诺付款", PromiseAmount: &amt, EvidenceIDs: []string{e.ID}, Flags: []string{}, CreatedAt: now}); err != nil {
				return err
			}
			for j, ev := range []string{e.ID, ""} {
				if err := rs.AddPayment(ctx, &dossier.Payment{CaseID: c.ID, PaidAt: at.Add(time.Duration(j) * time.Hour),
					Amount: 1000, Method: "cash", EvidenceID: ev, Flags: []string{}, CreatedAt: now}); err != nil {
					return err
				}
			}
			if i%10 == 0 {
				p := plan3()
				p.ID, p.CaseID, p.CreatedAt = "", c.ID, now
				if err := rs.AddPlan(ctx, p); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkDashboard builds the dashboard over benchCases() cases: from
// records in memory (the aggregation alone), and through the store on each
// backend (loading every record, then aggregating), plus the
// limitation_within case filter that reads the same records.
func BenchmarkDashboard(b *testing.B) {
	n := benchCases()
	svc := &recovery.Service{Location: shanghai, GraceDays: 5}
	recs := map[string]*dossier.CaseRecords{}
	for i := 0; i < n; i++ {
		r := manyEvents(4)
		r.Case.ID = fmt.Sprint("c", i)
		r.Case.DueDate = d("2026-11-25").AddDays(-(i % 1400))
		r.Plans = []*dossier.InstallmentPlan{plan3()}
		recs[r.Case.ID] = r
	}
	b.Run(fmt.Sprint("memory/cases=", n), func(b *testing.B) {
		for b.Loop() {
			svc.BuildDashboard(recs, d("2026-11-25"))
		}
	})
	admin := &dossier.Actor{User: &dossier.User{ID: "u", Username: "admin", Role: dossier.RoleAdmin}}
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			url := filepath.Join(b.TempDir(), "meta.db")
			if backend == "postgres" {
				url = testenv.Postgres(b)
			}
			db, err := sqlstore.Open(context.Background(), url)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			seed(b, db, n)
			cases := &casefile.Service{Store: db, Now: time.Now}
			svc := &recovery.Service{Store: db, Cases: cases, Now: time.Now, Location: shanghai, GraceDays: 5}
			b.Run(fmt.Sprint("dashboard/cases=", n), func(b *testing.B) {
				for b.Loop() {
					if _, err := svc.Dashboard(context.Background(), admin); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(fmt.Sprint("limitation_within/cases=", n), func(b *testing.B) {
				for b.Loop() {
					if _, _, _, err := svc.NearDeadline(context.Background(), admin, casefile.Filter{}, 90); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
