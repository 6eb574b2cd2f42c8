package render

import (
	"strings"
	"testing"
)

// TestCurrencyCodeKeptWithAmount: a document in another currency
// writes its amounts "HKD 386,500.00" (currencyWords); like "RMB 386,500.00"
// the code must not end one line while its amount starts the next, where a
// reader takes the amount for a bare number. Only RMB, CNY, USD and EUR were
// kept together.
func TestCurrencyCodeKeptWithAmount(t *testing.T) {
	f := mustFont(t)
	for _, code := range []string{"HKD", "JPY", "GBP", "SGD", "RMB"} {
		lead := "The total of the claim is "
		text := lead + code + " 386,500.00 as of today."
		// Wide enough for the lead and the code, not for the amount too.
		width := f.Width(lead+code+" ", 11) + 1
		lines := f.Wrap(text, width, 11, 0)
		for i, l := range lines {
			if strings.HasSuffix(l, code) && i+1 < len(lines) && strings.HasPrefix(lines[i+1], "386") {
				t.Errorf("%s: code and amount split: %q", code, lines)
			}
		}
		if !strings.Contains(strings.Join(lines, "\n"), code+" 386,500.00") {
			t.Errorf("%s: lines %q lack %q together", code, lines, code+" 386,500.00")
		}
	}
}
