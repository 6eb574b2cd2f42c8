package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// An installment count out of the 1–120 range typed in the plan form is
// marked on the installments field, in the page's language, whatever its
// size; no error is put on the total the user typed correctly. Before, a
// count as large as 2147483647 was marked on total ("无法分为 2147483647
// 期…") and installments said nothing.
func TestPlanFormInstallmentsOutOfRange(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0192", "")
	b := e.client()
	b.login("admin")
	errOf := func(body, field string) string {
		m := regexp.MustCompile(`id="f-plan-` + field + `-err"[^>]*>([^<]*)<`).FindStringSubmatch(body)
		if m == nil {
			return ""
		}
		return m[1]
	}
	for _, lang := range []string{"zh-CN", "en"} {
		tok := b.csrf("/cases/" + c.ID)
		if r := b.post("/lang", url.Values{"csrf": {tok}, "lang": {lang}, "back": {"/"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("lang %s: %d", lang, r.Status)
		}
		want := "应为 1 到 120 之间的整数"
		if lang == "en" {
			want = "must be a whole number from 1 to 120"
		}
		for _, n := range []string{"-1", "0", "121", "300001", "2147483647", "2147483648", "9223372036854775807", "99999999999999999999"} {
			p := b.post("/cases/"+c.ID+"/plans", url.Values{"csrf": {tok}, "total": {"3000.00"}, "installments": {n},
				"first_due_date": {e.today(10)}})
			if p.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s installments=%s: status %d", lang, n, p.Status)
				continue
			}
			if got := errOf(p.Body, "installments"); !strings.Contains(got, want) {
				t.Errorf("%s installments=%s: installments error %q, want %q", lang, n, got, want)
			}
			if got := errOf(p.Body, "total"); got != "" {
				t.Errorf("%s installments=%s: total marked %q", lang, n, got)
			}
		}
	}
	// A count in range that the total cannot carry is still the total's.
	tok := b.csrf("/cases/" + c.ID)
	p := b.post("/cases/"+c.ID+"/plans", url.Values{"csrf": {tok}, "total": {"0.05"}, "installments": {"10"},
		"first_due_date": {e.today(10)}})
	if got := errOf(p.Body, "total"); p.Status != http.StatusUnprocessableEntity || !strings.Contains(got, "cannot be split into 10") {
		t.Errorf("total 0.05 in 10 installments: %d, total error %q", p.Status, got)
	}
}
