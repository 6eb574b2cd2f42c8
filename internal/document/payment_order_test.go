package document

import (
	"maps"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// renderPaymentOrder renders the payment-order application in lang for c,
// with the test request's fields and extra on top.
func renderPaymentOrder(t *testing.T, lang string, c *dossier.Case, extra map[string]string) error {
	t.Helper()
	f := maps.Clone(requestFields["payment_order_application"])
	maps.Copy(f, extra)
	_, err := mustEngine(t).Render("payment_order_application", lang, Input{Case: c, Evidence: testEvidence(), Fields: f, Now: now})
	return err
}

// onlyField checks err is EINVALID naming field alone, its message saying want.
func onlyField(t *testing.T, err error, field, want string) {
	t.Helper()
	if dossier.ErrorCode(err) != dossier.EINVALID {
		t.Fatalf("err = %v, want EINVALID naming %s", err, field)
	}
	fs := err.(*dossier.Error).Fields
	if len(fs) != 1 || fs[0].Field != field || !strings.Contains(fs[0].Message, want) {
		t.Errorf("fields = %v, want %s alone, saying %q", fs, field, want)
	}
}

// TestPaymentOrderDebtNotDue: a payment order is only for a debt already
// due (Civil Procedure Law art. 225; the SPC interpretation's acceptance
// conditions), and the application states 上述货款已届清偿期 … 至今未付清.
// For a due date on or after the application's date — the case's, or one
// the request gives — that is false and the court rejects it: it is 422
// naming due_date, as the readiness check already reported the case not
// ready. From the day after the due date it is generated.
func TestPaymentOrderDebtNotDue(t *testing.T) {
	later := testCase()
	later.DueDate = dossier.NewDate(2026, 8, 31) // after the document's date, 2026-07-20
	for _, lang := range []string{"zh-CN", "en"} {
		for name, tc := range map[string]struct {
			c     *dossier.Case
			extra map[string]string
		}{
			"CaseDueLater":  {later, nil},
			"GivenDueLater": {testCase(), map[string]string{"due_date": "2026-08-31"}},
			"GivenDueToday": {testCase(), map[string]string{"due_date": "2026-07-20"}},
		} {
			t.Run("Err"+name+"."+lang, func(t *testing.T) {
				onlyField(t, renderPaymentOrder(t, lang, tc.c, tc.extra), "due_date", "not yet due")
			})
		}
		t.Run("OK."+lang, func(t *testing.T) {
			for _, extra := range []map[string]string{nil, {"due_date": "2026-07-19"}} {
				if err := renderPaymentOrder(t, lang, testCase(), extra); err != nil {
					t.Errorf("%v: %v", extra, err)
				}
			}
		})
	}
}

// TestPaymentOrderCourt: a payment order is applied for at a basic-level
// people's court (Civil Procedure Law art. 225: 向有管辖权的基层人民法院申请
// 支付令), in practice the one at the debtor's domicile. An application
// addressed to an intermediate, higher or the supreme people's court, or to
// an arbitration commission, which has no supervision procedure, is refused
// at the door: it is 422 naming court. District and county courts, and
// basic-level courts of special jurisdiction (internet, railway transport),
// are accepted.
func TestPaymentOrderCourt(t *testing.T) {
	for _, court := range []string{"浙江省杭州市中级人民法院", "浙江省高级人民法院", "最高人民法院", "杭州仲裁委员会",
		"上海铁路运输中级法院", "北京知识产权法院", "上海金融法院",
		"Hangzhou Intermediate People's Court", "Zhejiang Higher People's Court", "the Supreme People's Court",
		"Hangzhou Arbitration Commission"} {
		t.Run("Err"+court, func(t *testing.T) {
			onlyField(t, renderPaymentOrder(t, "zh-CN", testCase(), map[string]string{"court": court}), "court", "basic-level")
		})
	}
	t.Run("OK", func(t *testing.T) {
		for _, court := range []string{"杭州市西湖区人民法院", "杭州市拱墅区人民法院", "桐庐县人民法院", "杭州互联网法院",
			"上海铁路运输法院", "上海海事法院", "Xihu District People's Court of Hangzhou"} {
			if err := renderPaymentOrder(t, "en", testCase(), map[string]string{"court": court}); err != nil {
				t.Errorf("%s: %v", court, err)
			}
		}
	})
}
