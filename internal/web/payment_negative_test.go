package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// A negative amount typed in the new payment form answered "please fix the
// marked fields" with nothing marked: the service's errors named reverses
// and reason, which this form has not. The amount now carries the error, in
// the page's language, the typed values kept.
func TestPaymentNegativeAmount(t *testing.T) {
	e := newEnv(t, false)
	c := e.caseDue("2026-SH-0009", "货款", time.Now().AddDate(0, -2, 0))
	b := e.client()
	b.login("admin")
	tok := csrfRE.FindStringSubmatch(b.get("/cases/" + c.ID).Body)[1]
	p := b.post("/cases/"+c.ID+"/payments", url.Values{"csrf": {tok}, "paid_at": {e.today(0)}, "amount": {"-500.00"},
		"method": {string(dossier.PaymentMethods[0])}, "reference": {"回单 0042"}})
	if p.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", p.Status)
	}
	mustContain(t, "refused form", p.Body, `id="f-pay-amount-err">必须大于零；撤销一笔回款请在该笔记录中点击“冲正”`,
		`value="-500.00"`, `value="回单 0042"`)
	if strings.Count(p.Body, `class="err"`) == 0 {
		t.Fatal("nothing marked")
	}
}
