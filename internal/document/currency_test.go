package document

import (
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// TestCurrencyWithoutFen: yen and won have no minor unit, so a
// document in JPY or KRW cannot demand 伍角 of them: an amount with a
// fraction is 422 naming the field (the case's principal here), not
// printed as 日元…元零伍角. Whole amounts print as before.
func TestCurrencyWithoutFen(t *testing.T) {
	e := mustEngine(t)
	for _, cur := range []string{"JPY", "KRW"} {
		t.Run("Err"+cur, func(t *testing.T) {
			c := testCase()
			c.Currency = cur // principal 386,500.00, interest 12,500.50
			_, err := e.Render("lawyer_letter", "zh-CN", Input{Case: c, Fields: requestFields["lawyer_letter"], Now: now})
			if dossier.ErrorCode(err) != dossier.EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			fields := map[string]string{}
			for _, fe := range err.(*dossier.Error).Fields {
				fields[fe.Field] = fe.Message
			}
			for _, f := range []string{"interest", "total"} {
				if !strings.Contains(fields[f], cur) {
					t.Errorf("%s: %q, want a refusal naming %s", f, fields[f], cur)
				}
			}
			if _, ok := fields["principal"]; ok {
				t.Errorf("principal (a whole amount) refused: %q", fields["principal"])
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		c := testCase()
		c.Currency, c.Interest = "JPY", 1250000
		res, err := e.Render("lawyer_letter", "zh-CN", Input{Case: c, Fields: requestFields["lawyer_letter"], Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if txt := flatText(t, res.PDF); !strings.Contains(txt, "日元叁拾玖万玖仟元整") {
			t.Errorf("text lacks 日元叁拾玖万玖仟元整:\n%s", txt)
		}
	})
}

// TestScheduleWholeUnits: an installment agreement in yen splits the
// debt into whole yen (100,000 in three: 33,333, 33,333, 33,334), as the
// plan made from it does (recovery), not into 33,333.33.
func TestScheduleWholeUnits(t *testing.T) {
	rows, err := ScheduleIn(10000000, 3, dossier.NewDate(2026, 8, 31), "JPY")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.Amount.String())
	}
	if strings.Join(got, " ") != "33333.00 33333.00 33334.00" {
		t.Errorf("JPY schedule %v", got)
	}
	if _, err := ScheduleIn(200, 3, dossier.NewDate(2026, 8, 31), "JPY"); err == nil {
		t.Error("2 yen split into 3 installments")
	}
	e := mustEngine(t)
	c := testCase()
	c.Currency, c.Principal, c.Interest = "JPY", 10000000, 0
	f := map[string]string{}
	for k, v := range requestFields["installment_agreement"] {
		f[k] = v
	}
	f["installments"] = "3"
	res, err := e.Render("installment_agreement", "zh-CN", Input{Case: c, Fields: f, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	txt := flatText(t, res.PDF)
	if !strings.Contains(txt, "JPY33,333.00") || !strings.Contains(txt, "JPY33,334.00") || strings.Contains(txt, "33,333.33") {
		t.Errorf("agreement's schedule not in whole yen:\n%s", txt)
	}
}
