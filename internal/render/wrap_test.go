package render

import (
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/phpdave11/gofpdf"
)

var (
	fontOnce sync.Once
	testFont *Font
)

func mustFont(tb testing.TB) *Font {
	tb.Helper()
	fontOnce.Do(func() {
		var err error
		if testFont, err = LoadFont(); err != nil {
			tb.Fatal(err)
		}
	})
	return testFont
}

// TestWidthMatchesBackend checks our widths against the PDF backend's own
// measurement: if they differ, wrapped lines overflow or end early.
func TestWidthMatchesBackend(t *testing.T) {
	f := mustFont(t)
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("w", "", f.TTF)
	pdf.SetFont("w", "", 11)
	for _, s := range []string{"律师函", "Hello, world", "¥386,500.00（大写：人民币叁拾捌万陆仟伍佰元整）", "喆堃“《》”—…", "\u3000\u3000A"} {
		want := pdf.GetStringWidth(s)
		if got := f.Width(s, 11); math.Abs(got-want) > 1e-9 {
			t.Errorf("Width(%q) = %.4f, backend %.4f", s, got, want)
		}
	}
}

func TestWrap(t *testing.T) {
	f := mustFont(t)
	zhChar := f.Width("中", 11)
	tests := []struct {
		name  string
		text  string
		width float64
		check func(t *testing.T, lines []string)
	}{
		{"OKChineseBreaksAnywhere", strings.Repeat("中", 25), 10 * zhChar, func(t *testing.T, lines []string) {
			if len(lines) != 3 || lines[0] != strings.Repeat("中", 10) || lines[2] != strings.Repeat("中", 5) {
				t.Errorf("lines = %q", lines)
			}
		}},
		{"OKClosingPunctuationNotAtStart", strings.Repeat("中", 10) + "。后文", 10 * zhChar, func(t *testing.T, lines []string) {
			for _, l := range lines[1:] {
				if strings.HasPrefix(l, "。") {
					t.Errorf("line starts with 。: %q", lines)
				}
			}
			if !strings.HasSuffix(lines[0], "中") || !strings.HasPrefix(lines[1], "中。") {
				t.Errorf("。 not carried with its character: %q", lines)
			}
		}},
		{"OKOpeningPunctuationNotAtEnd", strings.Repeat("中", 9) + "《合同》", 10 * zhChar, func(t *testing.T, lines []string) {
			if strings.HasSuffix(lines[0], "《") || !strings.HasPrefix(lines[1], "《") {
				t.Errorf("《 left at line end: %q", lines)
			}
		}},
		{"OKEnglishWordsWhole", "The quick brown fox jumps over the lazy dog again and again", f.Width("The quick brown fox", 11) + 0.1, func(t *testing.T, lines []string) {
			words := strings.Fields("The quick brown fox jumps over the lazy dog again and again")
			if got := strings.Fields(strings.Join(lines, " ")); strings.Join(got, " ") != strings.Join(words, " ") {
				t.Errorf("words split or lost: %q", lines)
			}
			if lines[0] != "The quick brown fox" {
				t.Errorf("first line %q", lines[0])
			}
		}},
		{"OKNumbersWhole", strings.Repeat("中", 8) + "¥386,500.00元", 10 * zhChar, func(t *testing.T, lines []string) {
			if !strings.Contains(strings.Join(lines, "\n"), "¥386,500.00") {
				t.Errorf("amount broken: %q", lines)
			}
		}},
		{"OKLongTokenCut", strings.Repeat("x", 200), 20, func(t *testing.T, lines []string) {
			if strings.Join(lines, "") != strings.Repeat("x", 200) || len(lines) < 2 {
				t.Errorf("lines = %q", lines)
			}
		}},
		{"OKDatesWhole", strings.Repeat("中", 8) + "于2026年3月31日前付款", 12 * zhChar, func(t *testing.T, lines []string) {
			if !strings.Contains(strings.Join(lines, "\n"), "2026年3月31日") {
				t.Errorf("date broken: %q", lines)
			}
		}},
		{"OKCurrencyWithAmount", "pay the sum of RMB 386,500.00 now", f.Width("pay the sum of RMB", 11) + 0.5, func(t *testing.T, lines []string) {
			if !strings.Contains(strings.Join(lines, "\n"), "RMB 386,500.00") {
				t.Errorf("RMB separated from its amount: %q", lines)
			}
		}},
		{"OKNewline", "甲\n乙", 100, func(t *testing.T, lines []string) {
			if len(lines) != 2 {
				t.Errorf("lines = %q", lines)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := f.Wrap(tt.text, tt.width, 11, 0)
			for _, l := range lines {
				if w := f.Width(l, 11); w > tt.width+1e-6 {
					t.Errorf("line %q is %.2f mm, wider than %.2f", l, w, tt.width)
				}
			}
			tt.check(t, lines)
		})
	}
}
