package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// TestDashboardMissedInstallmentsShowCurrency: the dashboard's missed
// installments (amount, paid, shortfall) carry their case's currency like
// the rest of the dashboard, so a dollar plan's shortfall is not read as
// yuan.
func TestDashboardMissedInstallmentsShowCurrency(t *testing.T) {
	e := newEnv(t, false)
	cny := e.newCase("2026-HZ-0710", "")
	usd, err := e.cases.Create(context.Background(), e.admin, &dossier.Case{Number: "2026-HZ-0711",
		Creditor: dossier.Party{Name: "杭州甲公司"}, Debtor: dossier.Party{Name: "Acme Ltd"}, Currency: "USD",
		Principal: 900000, DueDate: dossier.DateOf(time.Now().AddDate(0, 0, -120))})
	if err != nil {
		t.Fatal(err)
	}
	b := e.client()
	b.login("admin")
	for _, c := range []*dossier.Case{cny, usd} {
		tok := b.csrf("/cases/" + c.ID)
		agreement := uploaded(t, b, c.ID, "协议-"+c.Number+".txt", "other", []byte("分期还款协议（已签署）"+c.Number))
		// Three installments of 3,000.00, the first two already past due
		// and unpaid.
		if p := b.post("/cases/"+c.ID+"/plans", url.Values{"csrf": {tok}, "total": {"9000"}, "installments": {"3"},
			"agreed_on": {e.today(-90)}, "first_due_date": {e.today(-60)}, "evidence_id": {agreement}}); p.Status != http.StatusSeeOther {
			t.Fatalf("plan: %d\n%s", p.Status, p.Body)
		}
	}
	p := b.get("/dashboard")
	if p.Status != http.StatusOK {
		t.Fatalf("dashboard: %d", p.Status)
	}
	table := regexp.MustCompile(`(?s)<table id="missed">.*?</table>`).FindString(p.Body)
	rows := regexp.MustCompile(`(?s)<tr>.*?</tr>`).FindAllString(table, -1)
	seen := map[string]bool{}
	for _, row := range rows {
		switch {
		case regexp.MustCompile(`>2026-HZ-0710<`).MatchString(row):
			mustContain(t, "CNY row", row, "¥3,000.00", "¥0.00")
			seen["CNY"] = true
		case regexp.MustCompile(`>2026-HZ-0711<`).MatchString(row):
			mustContain(t, "USD row", row, "USD 3,000.00", "USD 0.00")
			seen["USD"] = true
		}
		for _, m := range bareAmount.FindAllStringSubmatch(row, -1) {
			t.Errorf("missed installment shows %q without a currency: %s", m[1], row)
		}
	}
	if !seen["CNY"] || !seen["USD"] {
		t.Errorf("missed installments table lacks a case (%v):\n%s", seen, table)
	}
}
