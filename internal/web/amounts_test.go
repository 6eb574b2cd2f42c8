package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// Amounts on the pages read as a Chinese lawyer writes them, ¥386,500.00,
// never "CNY 386,500.00" and never a bare figure with no currency at all
// (a promise to pay, a plan's paid and remaining sums, the dashboard's
// outstanding column). A case in another currency keeps its code.
func TestAmountsShowCurrencySign(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0700", "") // principal 386,500.00 CNY
	usd, err := e.cases.Create(context.Background(), e.admin, &dossier.Case{Number: "2026-HZ-0701",
		Creditor: dossier.Party{Name: "杭州甲公司"}, Debtor: dossier.Party{Name: "Acme Ltd"}, Currency: "USD",
		Principal: 123456, DueDate: dossier.DateOf(time.Now().AddDate(0, 0, -40))})
	if err != nil {
		t.Fatal(err)
	}
	b := e.client()
	b.login("admin")
	tok := b.csrf("/cases/" + c.ID)
	if p := b.post("/cases/"+c.ID+"/communications", url.Values{"csrf": {tok},
		"occurred_at": {time.Now().Add(-26*time.Hour).UTC().Format("2006-01-02") + "T10:00"}, "channel": {"phone"},
		"summary": {"对方承诺月底前付一半"}, "promise_amount": {"193250"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("communication: %d\n%s", p.Status, p.Body)
	}
	receipt := uploaded(t, b, c.ID, "协议.txt", "other", []byte("分期还款协议（已签署）"))
	if p := b.post("/cases/"+c.ID+"/plans", url.Values{"csrf": {tok}, "total": {"300000"}, "installments": {"3"},
		"agreed_on": {e.today(-10)}, "first_due_date": {e.today(20)}, "evidence_id": {receipt}}); p.Status != http.StatusSeeOther {
		t.Fatalf("plan: %d\n%s", p.Status, p.Body)
	}

	for _, tt := range []struct {
		name, path string
		want       []string
	}{
		{"OK/Case", "/cases/" + c.ID, []string{"¥386,500.00", "¥193,250.00", "¥300,000.00"}},
		{"OK/CaseUSD", "/cases/" + usd.ID, []string{"USD 1,234.56"}},
		{"OK/List", "/cases", []string{"¥386,500.00", "USD 1,234.56"}},
		{"OK/Dashboard", "/dashboard", []string{"¥386,500.00"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := b.get(tt.path)
			if p.Status != http.StatusOK {
				t.Fatalf("status %d", p.Status)
			}
			mustContain(t, tt.path, p.Body, tt.want...)
			if strings.Contains(p.Body, "CNY ") {
				t.Errorf("%s still writes an amount as \"CNY …\"", tt.path)
			}
			// Every grouped figure in a table cell or fact carries its sign.
			for _, m := range bareAmount.FindAllStringSubmatch(p.Body, -1) {
				t.Errorf("%s shows %q without a currency", tt.path, m[1])
			}
		})
	}
}

// bareAmount is a grouped amount right after a tag or ": ", with no sign or
// currency code before it.
var bareAmount = regexp.MustCompile(`(?:>|: )(\d{1,3}(?:,\d{3})*\.\d{2})\b`)
