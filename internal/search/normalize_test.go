package search

import (
	"slices"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/render"
)

func TestAmountOf(t *testing.T) {
	for in, want := range map[string]int64{
		"12000": 1200000, "12,000.00": 1200000, "¥12000": 1200000, "￥12,000": 1200000, "12000元": 1200000,
		"壹万贰仟元": 1200000, "壹万贰仟元整": 1200000, "人民币壹万贰仟元整": 1200000, "一万二千元": 1200000,
		"人民币叁拾捌万陆仟伍佰元整": 38650000, "壹拾万零伍元零伍分": 10000505, "拾元伍角": 1050, "１２０００": 1200000,
		"壹亿零壹元": 10000000100, "0.5": 50, "RMB 1,200.5": 120050,
	} {
		got, ok := AmountOf(in)
		if !ok || got != want {
			t.Errorf("%s: %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"12,00", "1.234", "abc", "壹万", "元", "", "12,0000", ".5"} {
		if c, ok := AmountOf(in); ok {
			t.Errorf("%q read as amount %d", in, c)
		}
	}
}

// TestAmountOfReadsWhatDocumentsWrite: every amount the document writer puts
// in capital numerals reads back as the same amount.
func TestAmountOfReadsWhatDocumentsWrite(t *testing.T) {
	for _, cents := range []int64{1, 10, 101, 100000, 100505, 1000000001, 38650000, 99999999999999, 10000000000} {
		s, err := render.ChineseAmount(dossier.Money(cents))
		if err != nil {
			t.Fatal(err)
		}
		got, ok := AmountOf("人民币" + s)
		if !ok || got != cents {
			t.Errorf("%s: read %d, want %d", s, got, cents)
		}
	}
}

func TestAmountTokens(t *testing.T) {
	text := "乙方欠款人民币壹万贰仟元整（¥12,000.00），另付违约金500元；合同编号HT-2026-0042，电话13812345678。"
	got := amountTokens(text)
	for _, want := range []string{"amt1200000", "amt50000"} {
		if !slices.Contains(got, want) {
			t.Errorf("tokens %v lack %s", got, want)
		}
	}
	if n := len(slices.DeleteFunc(slices.Clone(got), func(s string) bool { return s != "amt1200000" })); n != 1 {
		t.Errorf("amount listed %d times", n)
	}
}

func TestIDTokens(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"身份证号11010519491231002x，信用代码91310000MA1FL8XQ3K。", []string{"id11010519491231002X", "id91310000MA1FL8XQ3K"}},
		// Separated by one space: both (the old regexp found only the first).
		{"11010519491231002X 91310000MA1FL8XQ3K", []string{"id11010519491231002X", "id91310000MA1FL8XQ3K"}},
		// 17 and 19 characters, a letter first, part of a longer word: none.
		{"1101051949123100 110105194912310021X A1010519491231002X x11010519491231002X", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := idTokens(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("idTokens(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
