package document

import (
	"regexp"

	"github.com/dossier/dossier/internal/dossier"
)

// paymentOrderTemplate is the payment-order application (支付令申请书), whose
// statements the supervision procedure's acceptance conditions test.
const paymentOrderTemplate = "payment_order_application"

// notBasicCourtRE finds a court that cannot issue a payment order: only a
// basic-level people's court can (Civil Procedure Law art. 225: 向有管辖权的
// 基层人民法院申请支付令), and an arbitration commission has no supervision
// procedure at all. The courts of special jurisdiction at intermediate
// level (铁路运输中级法院, 知识产权法院, 金融法院) are refused too. Basic-level
// courts of special jurisdiction (互联网法院, 铁路运输法院) and maritime
// courts, which take payment orders for maritime claims (海事诉讼特别程序法
// art. 99), are left alone. The English application is addressed in
// English, so the English names count as the Chinese ones do, with the
// apostrophe typed or typographic ("People’s", as word processors write
// it), and so do the short forms 中院 and 高院.
var notBasicCourtRE = regexp.MustCompile(`中级|中院|高级人民法院|高院|最高人民法院|知识产权法院|金融法院|仲裁|` +
	`(?i:\bintermediate\b|\b(?:high|higher|supreme)\s+people[’'ʼ]?s\s+court|` +
	`\bintellectual\s+property\s+court|\bfinancial\s+court|\barbitration\b)`)

// paymentOrder checks what a payment-order application states against the
// acceptance conditions (DOMAIN.md): the debt is due on the application's
// date — it says 已届清偿期 and 至今未付清, which a due date not yet passed
// makes false — and the court addressed is a basic-level court.
func paymentOrder(t *Template, out map[string]string, today dossier.Date, bad *dossier.Fields) {
	if t.ID != paymentOrderTemplate {
		return
	}
	if due, err := dossier.ParseDate(out["due_date"]); err == nil && !due.Before(today.Time) {
		bad.Add("due_date", "is %s: the debt is not yet due on the application's date; a payment order can be applied for from the day after the due date",
			due)
	}
	if court := out["court"]; court != "" && notBasicCourtRE.MatchString(court) {
		bad.Add("court", "must be a basic-level people's court (district or county, usually at the debtor's domicile): only such a court issues payment orders")
	}
}
