package document

import (
	"maps"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// TestGuarantor: DOMAIN.md's installment agreement has an optional
// 丙方 (guarantor) with full particulars, a guarantee clause with its type,
// scope and period (art. 684) and the guarantor's signature. The template
// had none: a debtor's guarantor could not be made a party at all.
func TestGuarantor(t *testing.T) {
	e := mustEngine(t)
	withGuarantor := func(extra map[string]string) map[string]string {
		f := maps.Clone(requestFields["installment_agreement"])
		maps.Copy(f, extra)
		return f
	}
	person := map[string]string{"guarantor_name": "张伟", "guarantor_kind": "person",
		"guarantor_id": "110101198001011234", "guarantor_address": "北京市东城区东四十条1号"}
	company := map[string]string{"guarantor_name": "杭州喆堃控股有限公司", "guarantor_id": "91330100MA2B0ZZZ1X",
		"guarantor_address": "浙江省杭州市上城区解放路1号", "guarantor_rep": "李强", "guarantee_type": "一般保证"}
	cases := []struct {
		name, lang string
		fields     map[string]string
		want, not  []string
	}{
		{"zh person", "zh-CN", person, []string{"丙方（保证人）：张伟", "身份证号码：110101198001011234", "住所：北京市东城区东四十条1号",
			"甲、乙、丙三方", "保证担保", "保证方式为连带责任保证", "保证范围包括", "保证期间为本协议约定的最后一期还款期限届满之日起三年",
			"各方确认", "一式叁份，三方各执壹份", "丙方（签字并按手印）：张伟"},
			[]string{"甲乙双方", "一式贰份", "丙方（盖章）"}},
		{"zh company", "zh-CN", company, []string{"丙方（保证人）：杭州喆堃控股有限公司", "统一社会信用代码：91330100MA2B0ZZZ1X",
			"法定代表人：李强", "保证方式为一般保证", "丙方（盖章）"},
			[]string{"丙方（签字并按手印）"}},
		{"en person", "en", person, []string{"PartyC(guarantor):张伟", "IDcardnumber:110101198001011234", "Guarantee",
			"jointandseveralliabilityguarantee", "guaranteeperiodisthreeyears", "allthreeparties", "threecounterparts",
			"anypartymaysue", "PartyC(signature"},
			[]string{"twocounterparts", "eitherparty"}},
		{"zh none", "zh-CN", nil, []string{"甲乙双方", "双方确认", "一式贰份，双方各执壹份"},
			[]string{"丙方", "保证担保", "三方"}},
		{"en none", "en", nil, []string{"twocounterparts", "eitherpartymaysue"}, []string{"PartyC", "Guarantee"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := e.Render("installment_agreement", c.lang, Input{Case: testCase(), Fields: withGuarantor(c.fields), Now: now})
			if err != nil {
				t.Fatal(err)
			}
			txt := flatText(t, res.PDF)
			for _, w := range c.want {
				if !strings.Contains(txt, w) {
					t.Errorf("text lacks %q", w)
				}
			}
			for _, w := range c.not {
				if strings.Contains(txt, w) {
					t.Errorf("text has %q", w)
				}
			}
		})
	}
	// A guarantor named without what identifies and serves it, or
	// particulars without a guarantor, are refused rather than printed
	// half or not at all.
	for _, c := range []struct {
		fields map[string]string
		want   []string
	}{
		{map[string]string{"guarantor_name": "张伟"}, []string{"guarantor_address", "guarantor_id"}},
		{map[string]string{"guarantor_id": "110101198001011234", "guarantee_type": "一般保证"}, []string{"guarantor_name"}},
	} {
		_, err := e.Render("installment_agreement", "zh-CN", Input{Case: testCase(), Fields: withGuarantor(c.fields), Now: now})
		if dossier.ErrorCode(err) != dossier.EINVALID {
			t.Fatalf("%v: err = %v, want EINVALID", c.fields, err)
		}
		if got := fieldNames(err); strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%v: fields %v, want %v", c.fields, got, c.want)
		}
	}
}
