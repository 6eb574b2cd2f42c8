package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// asciiColon is an ASCII colon right after Chinese text, as in "承诺还款: …".
var asciiColon = regexp.MustCompile(`[\p{Han}）」]\s*:`)

// tags strips the markup from a page, leaving what a reader sees.
var tags = regexp.MustCompile(`(?s)<[^>]*>`)

// TestChineseTextUsesFullWidthColons: Chinese labels followed by a value
// read "承诺还款：¥193,250.00", "已违约的分期计划：0", not with the ASCII
// colon of English text; English pages keep ": ".
func TestChineseTextUsesFullWidthColons(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0750", "")
	b := e.client()
	b.login("admin")
	tok := b.csrf("/cases/" + c.ID)
	if p := b.post("/cases/"+c.ID+"/communications", url.Values{"csrf": {tok},
		"occurred_at": {time.Now().Add(-26*time.Hour).UTC().Format("2006-01-02") + "T10:00"}, "channel": {"phone"},
		"summary": {"对方承诺月底前付一半"}, "outcome": {"同意分期"}, "promise_amount": {"193250"},
		"interruption": {"acknowledgment"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("communication: %d\n%s", p.Status, p.Body)
	}
	form := url.Values{"csrf": {b.csrf("/cases/" + c.ID + "/documents")}, "template": {"lawyer_letter"}, "lang": {"zh-CN"}}
	for k, v := range map[string]string{"firm_name": "浙江明理律师事务所", "ref_no": "（2026）明律函字第 1 号",
		"contract_date": "2026-01-10", "contract_no": "HT-1", "bank": "工商银行", "account_no": "1001",
		"lawyer_name": "王明", "licence_no": "13301201510123456"} {
		form.Set("field."+k, v)
	}
	gen := b.post("/cases/"+c.ID+"/documents", form)
	if gen.Status != http.StatusSeeOther {
		t.Fatalf("generate: %d\n%s", gen.Status, gen.Body)
	}
	shown := gen.Header.Get("Location")
	for _, tt := range []struct {
		name, path, lang string
		want             []string
	}{
		{"OK/CaseZH", "/cases/" + c.ID, "zh-CN", []string{"承诺还款：¥193,250.00", "对方答复：同意分期"}},
		{"OK/DashboardZH", "/dashboard", "zh-CN", []string{"已违约的分期计划："}},
		{"OK/ReadinessZH", "/cases/" + c.ID + "/documents?template=payment_order_application&lang=zh-CN", "zh-CN", []string{"："}},
		{"OK/PreviewZH", shown, "zh-CN", []string{"预览：律师函（中文）"}},
		{"OK/CaseEN", "/cases/" + c.ID, "en", []string{"Promise to pay: ¥193,250.00"}},
		{"OK/PreviewEN", shown, "en", []string{"Preview: Lawyer&#39;s letter (Chinese)"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if r := b.post("/lang", url.Values{"csrf": {b.csrf("/cases/" + c.ID)}, "lang": {tt.lang}, "back": {"/cases"}}); r.Status != http.StatusSeeOther {
				t.Fatalf("language: %d", r.Status)
			}
			p := b.get(tt.path)
			if p.Status != http.StatusOK {
				t.Fatalf("%s: %d", tt.path, p.Status)
			}
			text := tags.ReplaceAllString(p.Body, "")
			text = regexp.MustCompile(`\s+`).ReplaceAllString(text, " ")
			mustContain(t, tt.path, strings.ReplaceAll(text, "： ", "："), tt.want...)
			if tt.lang == "zh-CN" {
				for _, m := range asciiColon.FindAllString(text, -1) {
					r := []rune(text)
					i := len([]rune(text[:strings.Index(text, m)]))
					t.Errorf("%s: ASCII colon in Chinese text: %q", tt.path, string(r[max(0, i-12):min(len(r), i+12)]))
				}
			}
		})
	}
}
