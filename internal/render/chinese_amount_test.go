package render

import (
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// TestChineseAmountTable checks the capital numerals of the amounts a
// debt-collection lawyer meets, against the rules of DOMAIN.md and the
// People's Bank's writing rules: one 零 for a run of zeros inside the
// number, a leading 壹拾, and 整 exactly when there are no fen.
func TestChineseAmountTable(t *testing.T) {
	tests := []struct {
		amount string
		want   string
	}{
		{"0.01", "壹分"},
		{"0.10", "壹角整"},
		{"0.11", "壹角壹分"},
		{"1.00", "壹元整"},
		{"1.01", "壹元零壹分"},
		{"10.00", "壹拾元整"},
		{"15.00", "壹拾伍元整"},
		{"100.00", "壹佰元整"},
		{"110.00", "壹佰壹拾元整"},
		{"1,010.00", "壹仟零壹拾元整"},
		{"10,000.00", "壹万元整"},
		{"100,000.00", "壹拾万元整"},
		{"100,001.00", "壹拾万零壹元整"},
		{"100,005.05", "壹拾万零伍元零伍分"},
		{"386,500.00", "叁拾捌万陆仟伍佰元整"},
		{"1,000,010.00", "壹佰万零壹拾元整"},
		{"10,000,000.00", "壹仟万元整"},
		{"100,000,000.00", "壹亿元整"},
		{"100,000,000.10", "壹亿元零壹角整"},
		{"20,305.06", "贰万零叁佰零伍元零陆分"},
		{"12,345,678.90", "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整"},
		{"1,000,000,001.00", "壹拾亿零壹元整"},
		{"1,010,101,010.10", "壹拾亿零壹仟零壹拾万零壹仟零壹拾元零壹角整"}, // 零 across 亿, 万, 元 is allowed
		{"107,000.53", "壹拾万零柒仟元零伍角叁分"},
		{"60,036,000.00", "陆仟零叁万陆仟元整"},
		{"200,000,300.00", "贰亿零叁佰元整"},
	}
	for _, tt := range tests {
		t.Run(tt.amount, func(t *testing.T) {
			m, err := dossier.ParseMoney(tt.amount)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ChineseAmount(m)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ChineseAmount(%s) = %s, want %s", tt.amount, got, tt.want)
			}
		})
	}
}
