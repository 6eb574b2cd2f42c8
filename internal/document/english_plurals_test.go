package document

import (
	"maps"
	"strings"
	"testing"
	"time"
)

// TestEnglishPlurals: the English letter and agreement printed
// "is 1 days overdue", "within 1 days" and "in 1 installments"; a count of
// one is singular, any other plural.
func TestEnglishPlurals(t *testing.T) {
	e := mustEngine(t)
	oneDayLate := now.Add(-111 * 24 * time.Hour).Add(24 * time.Hour) // the day after the due date
	cases := []struct {
		id     string
		fields map[string]string
		when   time.Time
		want   []string
		not    []string
	}{
		{"lawyer_letter", map[string]string{"deadline_days": "1"}, oneDayLate,
			[]string{"is1dayoverdue", "within1dayofreceiving"}, []string{"1days"}},
		{"lawyer_letter", nil, now, []string{"is111daysoverdue", "within7daysofreceiving"}, nil},
		{"installment_agreement", map[string]string{"installments": "1", "first_due_date": "2026-08-31"}, now,
			[]string{"in1installmentonthedates"}, []string{"1installments"}},
		{"installment_agreement", nil, now, []string{"in6installmentsonthedates"}, nil},
	}
	for _, c := range cases {
		f := maps.Clone(requestFields[c.id])
		maps.Copy(f, c.fields)
		res, err := e.Render(c.id, "en", Input{Case: testCase(), Fields: f, Now: c.when})
		if err != nil {
			t.Fatal(err)
		}
		txt := flatText(t, res.PDF)
		for _, w := range c.want {
			if !strings.Contains(txt, w) {
				t.Errorf("%s %v: text lacks %q", c.id, c.fields, w)
			}
		}
		for _, w := range c.not {
			if strings.Contains(txt, w) {
				t.Errorf("%s %v: text has %q", c.id, c.fields, w)
			}
		}
	}
}
