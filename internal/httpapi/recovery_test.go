package httpapi_test

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/recovery"
)

// withRecovery gives e's server the recovery capability (grace 5 days), as
// withVault and withDocuments do for theirs.
func withRecovery(t testing.TB, e *env) *recovery.Service {
	t.Helper()
	svc := &recovery.Service{Store: e.store, Documents: e.store, Cases: e.api.Cases, Now: time.Now,
		Location: time.UTC, GraceDays: 5}
	e.api.Recovery = svc
	return svc
}

func today() dossier.Date { return dossier.DateOf(time.Now().UTC()) }

// addEvidence stores an evidence record (metadata only: the limitation engine
// and the payment checks never read the bytes).
func (e *env) addEvidence(caseID, kind string, on dossier.Date) string {
	e.t.Helper()
	t := on.Time.Add(10 * time.Hour)
	ev := &dossier.Evidence{CaseID: caseID, Kind: dossier.EvidenceKind(kind), Title: kind, Filename: kind + ".pdf",
		MediaType: "application/pdf", Size: 1, SHA256: dossier.NewID(), TextStatus: dossier.TextNone,
		OccurredAt: &t, CreatedAt: time.Now()}
	if err := e.store.CreateEvidence(context.Background(), ev); err != nil {
		e.t.Fatal(err)
	}
	return ev.ID
}

func wantField(t *testing.T, r *response, status int, field string) {
	t.Helper()
	p := r.problem(t)
	if r.Status != status || !contains(fieldNames(p), field) {
		t.Fatalf("want %d naming %s, got %d %s", status, field, r.Status, r.Body)
	}
}

func TestRecoveryAPI(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend)
			withRecovery(t, e)
			admin := e.login("admin", adminPassword)
			c := e.createCase(admin, "2026-REC-0001") // due 95 days ago, total 387700.50
			base := "/api/v1/cases/" + c.ID
			var lim recovery.Limitation

			t.Run("LimitationOK", func(t *testing.T) {
				r := e.do("GET", base+"/limitation", admin, nil)
				r.json(t, &lim)
				if r.Status != 200 || lim.Deadline.String() != recovery.AddYears(c.DueDate, 3).String() ||
					lim.Expired || len(lim.Basis) != 1 || lim.Basis[0].Event != "due" {
					t.Fatalf("limitation: %d %s", r.Status, r.Body)
				}
				if !strings.Contains(string(r.Body), `"days_left":`) || !strings.Contains(string(r.Body), `"communication_id":""`) {
					t.Fatalf("contract fields missing: %s", r.Body)
				}
			})
			t.Run("AcknowledgmentMovesDeadline", func(t *testing.T) {
				on := today().AddDays(-10)
				chat := e.addEvidence(c.ID, "chat", on)
				r := e.do("POST", base+"/communications", admin, map[string]any{
					"occurred_at": on.Format("2006-01-02") + "T10:00:00Z", "channel": "wechat", "summary": "债务人确认欠款",
					"interruption": "acknowledgment", "evidence_ids": []string{chat}})
				if r.Status != 201 || !strings.Contains(string(r.Body), `"interruption":"acknowledgment"`) {
					t.Fatalf("communication: %d %s", r.Status, r.Body)
				}
				// A demand without evidence is listed but does not count.
				r = e.do("POST", base+"/communications", admin, map[string]any{
					"occurred_at": time.Now().UTC().Format(time.RFC3339), "channel": "phone", "summary": "电话催收",
					"interruption": "demand"})
				if r.Status != 201 {
					t.Fatalf("communication: %d %s", r.Status, r.Body)
				}
				e.do("GET", base+"/limitation", admin, nil).json(t, &lim)
				if lim.Deadline.String() != recovery.AddYears(on, 3).String() || len(lim.Basis) != 3 ||
					!lim.Basis[1].Proven || lim.Basis[1].EvidenceID != chat || lim.Basis[2].Proven || lim.Basis[2].Counted {
					t.Fatalf("after acknowledgment: %+v", lim)
				}
				r = e.do("POST", base+"/communications", admin, map[string]any{"occurred_at": "2026-01-01T10:00:00Z",
					"channel": "phone", "summary": "x", "interruption": "threat"})
				wantField(t, r, 422, "interruption")
			})

			var first dossier.Payment
			slip := e.addEvidence(c.ID, "statement", today().AddDays(-3))
			t.Run("PaymentsOK", func(t *testing.T) {
				r := e.do("POST", base+"/payments", admin, map[string]any{"paid_at": time.Now().UTC().Add(-time.Hour).Format(time.RFC3339),
					"amount": "10000.00", "method": "bank_transfer", "reference": "回单 0042", "evidence_id": slip,
					"flags": []string{"forged"}})
				r.json(t, &first)
				if r.Status != 201 || first.Amount != 1000000 || len(first.Flags) != 0 || first.CaseID != c.ID {
					t.Fatalf("payment: %d %s", r.Status, r.Body)
				}
				r = e.do("POST", base+"/payments", admin, map[string]any{"paid_at": time.Now().UTC().Format(time.RFC3339),
					"amount": "-10000.00", "reverses": first.ID, "reason": "银行退票"})
				if r.Status != 201 {
					t.Fatalf("reversal: %d %s", r.Status, r.Body)
				}
				var list struct{ Items []dossier.Payment }
				e.do("GET", base+"/payments", admin, nil).json(t, &list)
				if len(list.Items) != 2 || list.Items[0].ReversedBy == "" || list.Items[1].Reverses != first.ID {
					t.Fatalf("ledger: %+v", list.Items)
				}
				r = e.do("POST", base+"/payments", admin, map[string]any{"paid_at": time.Now().UTC().Format(time.RFC3339),
					"amount": "500000.00", "evidence_id": slip})
				if r.Status != 201 || !strings.Contains(string(r.Body), `"flags":["overpayment"]`) {
					t.Fatalf("overpayment not flagged: %d %s", r.Status, r.Body)
				}
				e.do("GET", base+"/limitation", admin, nil).json(t, &lim)
				last := lim.Basis[len(lim.Basis)-1]
				if last.Event != "partial_payment" || !last.Proven || last.PaymentID == first.ID {
					t.Fatalf("payment in limitation basis: %+v", lim.Basis)
				}
			})
			t.Run("ErrPaymentInvalid", func(t *testing.T) {
				now := time.Now().UTC().Format(time.RFC3339)
				for _, tc := range []struct {
					body  map[string]any
					field string
				}{
					{map[string]any{"paid_at": now, "amount": "0"}, "amount"},
					{map[string]any{"paid_at": now, "amount": "-5.00", "reason": "typo"}, "reverses"},
					{map[string]any{"paid_at": now, "amount": "-5.00", "reverses": first.ID}, "reason"},
					{map[string]any{"paid_at": now, "amount": "-5.00", "reverses": "nope", "reason": "x"}, "reverses"},
					{map[string]any{"paid_at": now, "amount": "5.00", "reverses": first.ID}, "reverses"},
					{map[string]any{"paid_at": c.DueDate.AddDays(-1).Format("2006-01-02") + "T12:00:00Z", "amount": "5.00"}, "paid_at"},
					{map[string]any{"paid_at": time.Now().AddDate(0, 0, 3).UTC().Format(time.RFC3339), "amount": "5.00"}, "paid_at"},
					{map[string]any{"paid_at": "yesterday", "amount": "5.00"}, "paid_at"},
					{map[string]any{"amount": "5.00"}, "paid_at"},
					{map[string]any{"paid_at": now, "amount": 5}, "amount"},
					{map[string]any{"paid_at": now, "amount": "5.00", "evidence_id": "nope"}, "evidence_id"},
					{map[string]any{"paid_at": now, "amount": "5.00", "method": "bitcoin"}, "method"},
				} {
					wantField(t, e.do("POST", base+"/payments", admin, tc.body), 422, tc.field)
				}
				// A calendar date where a time is expected: the message says
				// what is, not Go's layout.
				r := e.do("POST", base+"/payments", admin, map[string]any{"paid_at": "2026-11-01", "amount": "5.00"})
				wantField(t, r, 422, "paid_at")
				if !strings.Contains(string(r.Body), "RFC 3339 time with its zone") || strings.Contains(string(r.Body), "2006-01-02") {
					t.Fatalf("paid_at message: %s", r.Body)
				}
				// Reversed already: conflict naming the field.
				r = e.do("POST", base+"/payments", admin, map[string]any{"paid_at": now, "amount": "-10000.00",
					"reverses": first.ID, "reason": "again"})
				wantField(t, r, 422, "reverses")
			})

			// Plans get a case of their own: payments made after a plan was
			// agreed are matched to it.
			pc := e.createCase(admin, "2026-REC-0004")
			pbase := "/api/v1/cases/" + pc.ID
			pslip := e.addEvidence(pc.ID, "statement", today().AddDays(-45))
			t.Run("PlansOK", func(t *testing.T) {
				// Three installments of 1000.00 a month apart, the first 45 days
				// ago: the first paid on time, the second missed by now (grace
				// 5 days), the third not yet due. With no written demand after
				// the default only the second is due, and no application for
				// the whole balance is offered.
				firstDue := today().AddDays(-45)
				e.do("POST", pbase+"/payments", admin, map[string]any{"paid_at": firstDue.Format("2006-01-02") + "T09:00:00Z",
					"amount": "1000.00", "evidence_id": pslip})
				r := e.do("POST", pbase+"/installment-plans", admin, map[string]any{"total": "3000.00", "installments": 3,
					"first_due_date": firstDue.String(), "agreed_on": firstDue.AddDays(-10).String()})
				var v recovery.PlanView
				r.json(t, &v)
				if r.Status != 201 || len(v.Schedule) != 3 || v.Schedule[0].Status != "paid" || v.Schedule[1].Status != "missed" || v.Schedule[2].Status != "due" ||
					!v.Defaulted || v.Accelerated || v.Remaining != 200000 || v.AmountDue != 100000 || v.Prefill != nil ||
					!strings.Contains(v.Note, "written demand") {
					t.Fatalf("plan: %d %s", r.Status, r.Body)
				}
				// A demand letter served yesterday (the courier's record says
				// 签收) and still unpaid: the whole balance is due today.
				served := time.Now().Add(-24 * time.Hour)
				ems := &dossier.Evidence{CaseID: pc.ID, Kind: "other", Title: "EMS 妥投证明", Description: "催告函已由债务人签收",
					Filename: "ems.pdf", MediaType: "application/pdf", Size: 1, SHA256: dossier.NewID(),
					TextStatus: dossier.TextNone, OccurredAt: &served, CreatedAt: time.Now()}
				if err := e.store.CreateEvidence(context.Background(), ems); err != nil {
					t.Fatal(err)
				}
				r = e.do("POST", pbase+"/communications", admin, map[string]any{"occurred_at": served.UTC().Format(time.RFC3339),
					"channel": "letter", "summary": "书面催告", "interruption": "demand", "evidence_ids": []string{ems.ID}})
				if r.Status != 201 {
					t.Fatalf("demand: %d %s", r.Status, r.Body)
				}
				var list struct {
					Items []recovery.PlanView
					Total int
				}
				e.do("GET", pbase+"/installment-plans", admin, nil).json(t, &list)
				if w := list.Items[0]; list.Total != 1 || !w.Defaulted || w.Schedule[0].PaidOn.IsZero() || !w.Accelerated ||
					w.Demand == nil || w.Demand.EvidenceID != ems.ID || w.AmountDue != 200000 || w.Prefill == nil ||
					w.Prefill.Amount != 200000 || len(w.Prefill.Breach) != 1 || w.Prefill.Breach[0].N != 2 ||
					w.Prefill.Fields["claim_amount"] != "2000.00" {
					t.Fatalf("plans: %+v", list)
				}
			})
			t.Run("PlanFromDocument", func(t *testing.T) {
				doc := &dossier.Document{ID: dossier.NewID(), CaseID: pc.ID, Template: "installment_agreement", Lang: "zh-CN",
					SHA256: "x", Fields: map[string]string{"debt_total": "1200.00", "installments": "4",
						"first_due_date": today().AddDays(20).String()}, CreatedAt: time.Now()}
				if err := e.store.CreateDocument(context.Background(), doc); err != nil {
					t.Fatal(err)
				}
				r := e.do("POST", pbase+"/installment-plans", admin, map[string]any{"document_id": doc.ID})
				var v recovery.PlanView
				r.json(t, &v)
				if r.Status != 201 || v.Total != 120000 || len(v.Schedule) != 4 || v.Schedule[3].Amount != 30000 ||
					v.Schedule[0].Status != "due" || v.Defaulted || v.DocumentID != doc.ID {
					t.Fatalf("plan from document: %d %s", r.Status, r.Body)
				}
				// Generated, never shown signed: listed, not counted.
				e.do("GET", pbase+"/limitation", admin, nil).json(t, &lim)
				for _, b := range lim.Basis {
					if b.PlanID == v.ID && (b.Proven || b.Counted || b.DocumentID != doc.ID) {
						t.Fatalf("a plan from an unsigned agreement counted: %+v", lim)
					}
				}
				if lim.Deadline.String() == recovery.AddYears(today(), 3).String() {
					t.Fatalf("an unsigned agreement restarted the period: %+v", lim)
				}
			})
			t.Run("ErrPlanInvalid", func(t *testing.T) {
				due := today().AddDays(5).String()
				for _, tc := range []struct {
					body  map[string]any
					field string
				}{
					{map[string]any{"total": "0.02", "installments": 3, "first_due_date": due}, "total"},
					{map[string]any{"total": "100.00", "installments": 0, "first_due_date": due}, "installments"},
					{map[string]any{"total": "100.00", "installments": 121, "first_due_date": due}, "installments"},
					{map[string]any{"total": "-100.00", "installments": 2, "first_due_date": due}, "total"},
					{map[string]any{"installments": 2, "first_due_date": due}, "total"},
					{map[string]any{"total": "100.00", "installments": 2}, "first_due_date"},
					{map[string]any{"total": "100.00", "installments": 2, "first_due_date": "2026-02-30"}, "first_due_date"},
					{map[string]any{"total": "100.00", "installments": 2, "first_due_date": today().AddDays(-1).String()}, "first_due_date"},
					{map[string]any{"total": "100.00", "installments": 2, "first_due_date": due, "document_id": "nope"}, "document_id"},
					{map[string]any{"total": "100.00", "installments": 2, "first_due_date": due, "evidence_id": "nope"}, "evidence_id"},
					{map[string]any{"total": "100.00", "installments": 2, "first_due_date": due, "agreed_on": today().AddDays(2).String()}, "agreed_on"},
					{map[string]any{"total": "100.00", "installments": "2", "first_due_date": due}, "installments"},
				} {
					wantField(t, e.do("POST", base+"/installment-plans", admin, tc.body), 422, tc.field)
				}
			})
			t.Run("Filings", func(t *testing.T) {
				receipt := e.addEvidence(c.ID, "other", today())
				r := e.do("POST", base+"/filings", admin, map[string]any{"kind": "payment_order", "filed_on": today().String(),
					"court": "杭州市西湖区人民法院", "evidence_id": receipt})
				if r.Status != 201 {
					t.Fatalf("filing: %d %s", r.Status, r.Body)
				}
				wantField(t, e.do("POST", base+"/filings", admin, map[string]any{"kind": "duel", "filed_on": today().String()}), 422, "kind")
				wantField(t, e.do("POST", base+"/filings", admin, map[string]any{"kind": "litigation",
					"filed_on": today().AddDays(2).String()}), 422, "filed_on")
				var list struct{ Total int }
				if e.do("GET", base+"/filings", admin, nil).json(t, &list); list.Total != 1 {
					t.Fatalf("filings: %+v", list)
				}
			})

			// A case whose period runs out in 20 days, and one a day later.
			near := sampleCase("2026-REC-0002")
			near["due_date"] = today().AddDays(20).AddDate(-3, 0, 0).Format("2006-01-02")
			n1 := e.do("POST", "/api/v1/cases", admin, near)
			near["number"], near["due_date"] = "2026-REC-0003", today().AddDays(21).AddDate(-3, 0, 0).Format("2006-01-02")
			n2 := e.do("POST", "/api/v1/cases", admin, near)
			if n1.Status != 201 || n2.Status != 201 {
				t.Fatalf("cases: %s %s", n1.Body, n2.Body)
			}
			var near1 dossier.Case
			n1.json(t, &near1)
			t.Run("LimitationWithin", func(t *testing.T) {
				var page struct {
					Items []dossier.Case
					Total int
					Next  string
				}
				e.do("GET", "/api/v1/cases?limitation_within=30&limit=1", admin, nil).json(t, &page)
				if page.Total != 2 || len(page.Items) != 1 || page.Next == "" {
					t.Fatalf("first page: %+v", page)
				}
				seen := page.Items[0].Number
				e.do("GET", "/api/v1/cases?limitation_within=30&limit=1&cursor="+page.Next, admin, nil).json(t, &page)
				if page.Total != 2 || len(page.Items) != 1 || page.Next != "" || page.Items[0].Number == seen {
					t.Fatalf("second page: %+v", page)
				}
				e.do("GET", "/api/v1/cases?limitation_within=20&q=REC", admin, nil).json(t, &page)
				if page.Total != 1 || page.Items[0].Number != "2026-REC-0002" || page.Items[0].Bucket == "" {
					t.Fatalf("within 20: %+v", page)
				}
				for _, v := range []string{"abc", "-1", "3651", "1.5"} {
					wantField(t, e.do("GET", "/api/v1/cases?limitation_within="+v, admin, nil), 422, "limitation_within")
				}
			})
			t.Run("Dashboard", func(t *testing.T) {
				var d recovery.Dashboard
				r := e.do("GET", "/api/v1/dashboard", admin, nil)
				r.json(t, &d)
				if r.Status != 200 || d.Cases != 4 || len(d.Within30) != 2 || d.Within30[0].Number != "2026-REC-0002" ||
					len(d.Within90) != 2 || len(d.MissedInstallments) != 1 || d.DefaultedPlans != 1 ||
					len(d.ByBucket) != 4 || len(d.ByStage) != len(dossier.Stages) {
					t.Fatalf("dashboard: %d %s", r.Status, r.Body)
				}
				counted := 0
				for _, b := range d.ByBucket {
					counted += b.Count
				}
				if counted != 4 {
					t.Fatalf("buckets count %d cases", counted)
				}
				r = e.recDoAccept("GET", "/api/v1/dashboard", admin, "text/csv")
				rows, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
				if err != nil || r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
					t.Fatalf("csv: %d %v %s", r.Status, err, r.Body)
				}
				if strings.Join(rows[0], ",") != strings.Join(recovery.CSVHeader, ",") {
					t.Fatalf("csv header %v", rows[0])
				}
				sections := map[string]int{}
				for _, row := range rows[1:] {
					sections[row[0]]++
				}
				if sections["bucket"] != 4 || sections["limitation_30"] != 2 || sections["missed_installment"] != 1 {
					t.Fatalf("csv sections %v", sections)
				}
			})
			t.Run("ErrNotVisible", func(t *testing.T) {
				extID, ext := e.user(admin, "outside-firm", dossier.RoleExternal)
				for _, p := range []string{"/limitation", "/payments", "/installment-plans", "/filings"} {
					if r := e.do("GET", base+p, ext, nil); r.Status != 404 {
						t.Errorf("GET %s by an external user without grant: %d", p, r.Status)
					}
				}
				r := e.do("POST", base+"/payments", ext, map[string]any{"paid_at": time.Now().UTC().Format(time.RFC3339), "amount": "1.00"})
				if r.Status != 404 {
					t.Errorf("payment by an external user without grant: %d", r.Status)
				}
				e.do("POST", "/api/v1/cases/"+near1.ID+"/grants", admin, map[string]string{"user_id": extID, "access": "read"})
				var d recovery.Dashboard
				e.do("GET", "/api/v1/dashboard", ext, nil).json(t, &d)
				if d.Cases != 1 || len(d.Within30) != 1 || d.Within30[0].CaseID != near1.ID || len(d.MissedInstallments) != 0 {
					t.Fatalf("external dashboard: %+v", d)
				}
				var page struct{ Total int }
				e.do("GET", "/api/v1/cases?limitation_within=30", ext, nil).json(t, &page)
				if page.Total != 1 {
					t.Fatalf("external limitation_within: %+v", page)
				}
				r = e.do("POST", "/api/v1/cases/"+near1.ID+"/payments", ext, map[string]any{
					"paid_at": time.Now().UTC().Format(time.RFC3339), "amount": "1.00"})
				if r.Status != 403 {
					t.Errorf("payment with a read grant: %d %s", r.Status, r.Body)
				}
			})
		})
	}
}

// recDoAccept is e.do with an Accept header (kept here so this file does not
// depend on helpers still being added to env_test.go).
func (e *env) recDoAccept(method, path, token, accept string) *response {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", accept)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &response{Status: res.StatusCode, Header: res.Header, Body: b}
}
