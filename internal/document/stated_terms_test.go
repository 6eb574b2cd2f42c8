package document

import (
	"context"
	"maps"
	"strconv"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// TestRepresentativeTitle: the payment-order application names the
// applicant's legal representative. A company's is often its 执行董事 or
// 董事长, not a 总经理, so a title the request does not give is not printed:
// the line reads 法定代表人：王建国, without 职务, in a court filing that
// must not assert a fact nobody stated. A title given is printed.
func TestRepresentativeTitle(t *testing.T) {
	e := mustEngine(t)
	tests := []struct {
		name, lang string
		extra      map[string]string
		want, not  []string // spaces removed
	}{
		{"OKNoTitle", "zh-CN", nil, []string{"法定代表人：王建国联系电话"}, []string{"职务", "总经理"}},
		{"OKNoTitleEn", "en", nil, []string{"Legalrepresentative:王建国Phone"}, []string{"GeneralManager", "王建国,"}},
		{"OKTitleGiven", "zh-CN", map[string]string{"creditor_rep_title": "执行董事"}, []string{"法定代表人：王建国，职务：执行董事"}, []string{"总经理"}},
		{"OKTitleGivenEn", "en", map[string]string{"creditor_rep_title": "Executive Director"},
			[]string{"Legalrepresentative:王建国,ExecutiveDirector"}, []string{"GeneralManager"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := maps.Clone(requestFields["payment_order_application"])
			maps.Copy(f, tt.extra)
			res, err := e.Render("payment_order_application", tt.lang, Input{Case: testCase(), Evidence: testEvidence(), Fields: f, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			txt := flatText(t, res.PDF)
			for _, w := range tt.want {
				if !strings.Contains(txt, w) {
					t.Errorf("text lacks %q", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(txt, n) {
					t.Errorf("text has %q", n)
				}
			}
			if t.Failed() {
				t.Log(txt)
			}
			if v, ok := res.Fields["creditor_rep_title"]; ok && v != tt.extra["creditor_rep_title"] {
				t.Errorf("record keeps creditor_rep_title %q, nobody gave it", v)
			}
		})
	}
	// No template of any language supplies a representative's title, a
	// position or a job by default.
	for _, ti := range e.Templates() {
		tp, _ := e.Template(ti.ID, ti.Lang)
		for _, f := range tp.Fields {
			if strings.Contains(f.Name, "title") && f.Source != "-" {
				t.Errorf("%s.%s: field %s defaults to %q", ti.ID, ti.Lang, f.Name, f.Source)
			}
		}
	}
}

// TestTemplateConditionsCombine: a body directive may carry several
// conditions, all of which must hold, so that a company's representative
// line can differ by whether a title was given.
func TestTemplateConditionsCombine(t *testing.T) {
	src := "title T\nfooter {current}/{total}\n" +
		"field kind | party | optional | - | 类型 | Kind\n" +
		"field rep | text | optional | - | 代表 | Rep\n" +
		"field rep_title | text | optional | - | 职务 | Title\n" +
		"[kind!=person][rep_title=] line? REP {rep}\n" +
		"[kind!=person] [rep_title!=] line? REPT {rep} {rep_title}\n"
	tp, err := ParseTemplate("t.tmpl", "t", "en", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	shown := func(vals map[string]string) []string {
		var out []string
		for _, b := range tp.Blocks {
			if holdAll(b.When, vals) {
				out = append(out, strings.Fields(b.Args[0])[0])
			}
		}
		return out
	}
	for _, tc := range []struct {
		vals map[string]string
		want string
	}{
		{map[string]string{"kind": "company"}, "REP"},
		{map[string]string{"kind": "company", "rep_title": "CEO"}, "REPT"},
		{map[string]string{"kind": "person"}, ""},
		{map[string]string{"kind": "person", "rep_title": "CEO"}, ""},
	} {
		if got := strings.Join(shown(tc.vals), ","); got != tc.want {
			t.Errorf("%v: shown %q, want %q", tc.vals, got, tc.want)
		}
	}
	if _, err := ParseTemplate("t.tmpl", "t", "en", strings.NewReader(strings.Replace(src, "[rep_title=]", "[nope=]", 1))); err == nil ||
		!strings.Contains(err.Error(), "t.tmpl:6") {
		t.Errorf("a second condition on an undeclared field: %v", err)
	}
}

// TestAgreementDemandDays: the installment agreement accelerates after a
// written demand (Civil Code art. 634's reasonable time), and Dossier rates
// a plan as accelerated DOSSIER_DEMAND_DAYS days after a demand was served.
// The agreement the debtor signs states that same period —
// 经甲方书面催告，乙方自收到催告之日起N日内仍未支付的 — and the record keeps it, so the record
// alone re-renders the same text after the setting changes.
func TestAgreementDemandDays(t *testing.T) {
	e := mustEngine(t)
	for _, tc := range []struct {
		lang string
		days int
		want string
		not  string
	}{
		{"zh-CN", 10, "经甲方书面催告，乙方自收到催告之日起10日内仍未支付的", ""},
		{"en", 10, "withinthe10daysfollowingreceiptofPartyA'swrittendemand", ""},
		{"zh-CN", 1, "经甲方书面催告，乙方自收到催告之日起1日内仍未支付的", ""},
		{"en", 1, "withinthe1dayfollowingreceiptofPartyA'swrittendemand", "1days"},
		{"zh-CN", 0, "经甲方书面催告，乙方于收到催告之日仍未支付的", "0日内"},
		{"en", 0, "onthedayitreceivesPartyA'swrittendemand", "0day"},
	} {
		t.Run(tc.lang+"/"+strconv.Itoa(tc.days), func(t *testing.T) {
			res, err := e.Render("installment_agreement", tc.lang, Input{Case: testCase(), Fields: requestFields["installment_agreement"],
				Now: now, DemandDays: tc.days})
			if err != nil {
				t.Fatal(err)
			}
			txt := flatText(t, res.PDF)
			if !strings.Contains(txt, tc.want) {
				t.Errorf("text lacks %q:\n%s", tc.want, txt)
			}
			if tc.not != "" && strings.Contains(txt, tc.not) {
				t.Errorf("text has %q", tc.not)
			}
			if got, want := res.Fields["demand_days"], strconv.Itoa(tc.days); got != want {
				t.Errorf("record keeps demand_days %q, want %q", got, want)
			}
			again, err := e.Render("installment_agreement", tc.lang, Input{Case: &dossier.Case{}, Fields: res.Fields, Now: now,
				DemandDays: tc.days + 5})
			if err != nil {
				t.Fatal(err)
			}
			if string(again.PDF) != string(res.PDF) {
				t.Error("the record re-rendered under another setting gives other bytes")
			}
		})
	}
}

// TestServiceDemandDays: the document service prints its DemandDays (wired
// from DOSSIER_DEMAND_DAYS, as the recovery's) in a generated agreement; a
// request naming another period is refused, since the plan made from the
// agreement would then accelerate on another day than the debtor signed.
func TestServiceDemandDays(t *testing.T) {
	s, db := mustService(t)
	s.DemandDays = 12
	ctx := context.Background()
	c := mustCase(t, db, nil)
	d, err := s.Generate(ctx, admin, c.ID, Request{Template: "installment_agreement", Fields: requestFields["installment_agreement"]})
	if err != nil {
		t.Fatal(err)
	}
	if d.Fields["demand_days"] != "12" {
		t.Errorf("agreement keeps demand_days %q, want 12", d.Fields["demand_days"])
	}
	t.Run("OKSame", func(t *testing.T) {
		f := maps.Clone(requestFields["installment_agreement"])
		f["demand_days"] = "12"
		if _, err := s.Generate(ctx, admin, c.ID, Request{Template: "installment_agreement", Fields: f}); err != nil {
			t.Error(err)
		}
	})
	t.Run("ErrOther", func(t *testing.T) {
		f := maps.Clone(requestFields["installment_agreement"])
		f["demand_days"] = "30"
		_, err := s.Generate(ctx, admin, c.ID, Request{Template: "installment_agreement", Fields: f})
		onlyField(t, err, "demand_days", "DOSSIER_DEMAND_DAYS")
	})
}

// TestInterestToAfterDue: interest for late payment runs from the day after
// the due date, so an application stating interest calculated to the due
// date or a day before it states interest for a time the debt was not yet
// late: 422 naming interest_to. The day after the due date is accepted.
func TestInterestToAfterDue(t *testing.T) {
	for _, lang := range []string{"zh-CN", "en"} {
		for _, to := range []string{"2026-03-31", "2026-03-01", "2025-11-03"} { // due 2026-03-31
			t.Run("Err"+to+"."+lang, func(t *testing.T) {
				onlyField(t, renderPaymentOrder(t, lang, testCase(), map[string]string{"interest_to": to}), "interest_to", "2026-03-31")
			})
		}
		t.Run("ErrGivenDue."+lang, func(t *testing.T) {
			err := renderPaymentOrder(t, lang, testCase(), map[string]string{"interest_to": "2026-05-01", "due_date": "2026-05-01"})
			onlyField(t, err, "interest_to", "2026-05-01")
		})
		t.Run("OK."+lang, func(t *testing.T) {
			for _, to := range []string{"2026-04-01", "2026-07-20", ""} {
				if err := renderPaymentOrder(t, lang, testCase(), map[string]string{"interest_to": to}); err != nil {
					t.Errorf("%q: %v", to, err)
				}
			}
		})
	}
}
