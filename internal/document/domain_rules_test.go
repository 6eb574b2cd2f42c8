package document

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// flatText is the PDF's text with all whitespace removed (pdftotext drops
// or adds spaces between CJK and digits).
func flatText(t *testing.T, pdf []byte) string {
	t.Helper()
	return strings.Join(strings.Fields(pdfText(t, pdf)), "")
}

// TestCaseCurrency: a case kept in another currency than CNY (the API
// accepts any ISO 4217 code, the dashboard tallies per currency) must not
// be demanded, acknowledged or claimed in 人民币: every amount of every
// document is stated in the case's currency, in figures and in words.
func TestCaseCurrency(t *testing.T) {
	e := mustEngine(t)
	for _, ti := range e.Templates() {
		t.Run(ti.ID+"."+ti.Lang, func(t *testing.T) {
			c := testCase()
			c.Currency = "USD"
			res, err := e.Render(ti.ID, ti.Lang, Input{Case: c, Evidence: testEvidence(), Fields: requestFields[ti.ID], Now: now})
			if err != nil {
				t.Fatal(err)
			}
			txt := flatText(t, res.PDF)
			for _, bad := range []string{"¥", "人民币", "RMB"} {
				if strings.Contains(txt, bad) {
					t.Errorf("a USD case's document says %q", bad)
				}
			}
			want := []string{"USD399,000.50"}
			if ti.Lang == "zh-CN" {
				want = append(want, "美元叁拾玖万玖仟元零伍角整")
			}
			for _, w := range want {
				if !strings.Contains(txt, w) {
					t.Errorf("text lacks %q", w)
				}
			}
			if res.Fields["currency"] != "USD" {
				t.Errorf("record keeps currency %q, want USD", res.Fields["currency"])
			}
			// The record alone renders the same bytes after the case changed.
			again, err := e.Render(ti.ID, ti.Lang, Input{Case: testCase(), Fields: res.Fields, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if string(again.PDF) != string(res.PDF) {
				t.Error("re-rendering the record's fields gives other bytes")
			}
		})
	}
	t.Run("CNY", func(t *testing.T) {
		res, err := e.Render("lawyer_letter", "zh-CN", Input{Case: testCase(), Fields: requestFields["lawyer_letter"], Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if txt := flatText(t, res.PDF); !strings.Contains(txt, "¥399,000.50（大写：人民币叁拾玖万玖仟元零伍角整）") {
			t.Errorf("CNY letter lost its ¥ and 人民币:\n%s", txt)
		}
	})
	t.Run("ErrCurrency", func(t *testing.T) {
		f := map[string]string{"currency": "usd1"}
		for k, v := range requestFields["lawyer_letter"] {
			f[k] = v
		}
		_, err := e.Render("lawyer_letter", "zh-CN", Input{Case: testCase(), Fields: f, Now: now})
		if dossier.ErrorCode(err) != dossier.EINVALID || !strings.Contains(fmt.Sprint(err.(*dossier.Error).Fields), "currency") {
			t.Fatalf("err = %v, want EINVALID naming currency", err)
		}
	})
}

// TestDaysOverdueFollowsDueDate: a letter whose request gives another
// due date than the case's must count the days overdue from the date it
// prints, not from the case's, or the letter contradicts itself.
func TestDaysOverdueFollowsDueDate(t *testing.T) {
	e := mustEngine(t)
	f := map[string]string{"due_date": "2026-01-31"}
	for k, v := range requestFields["lawyer_letter"] {
		f[k] = v
	}
	for _, lang := range []string{"zh-CN", "en"} {
		res, err := e.Render("lawyer_letter", lang, Input{Case: testCase(), Fields: f, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		// 31 January to 20 July 2026 is 170 days; the case's 31 March gives 111.
		if res.Fields["days_overdue"] != "170" {
			t.Errorf("%s: days_overdue = %s, want 170 (from the due date printed)", lang, res.Fields["days_overdue"])
		}
	}
	// The case without a due date: the request's due date is enough.
	c := testCase()
	c.DueDate = dossier.Date{}
	res, err := e.Render("lawyer_letter", "zh-CN", Input{Case: c, Fields: f, Now: now})
	if err != nil {
		t.Fatalf("due date given, days overdue not: %v", err)
	}
	if res.Fields["days_overdue"] != "170" {
		t.Errorf("days_overdue = %s, want 170", res.Fields["days_overdue"])
	}
	// A value the request gives still wins.
	f["days_overdue"] = "100"
	if res, err := e.Render("lawyer_letter", "zh-CN", Input{Case: testCase(), Fields: f, Now: now}); err != nil || res.Fields["days_overdue"] != "100" {
		t.Errorf("given days_overdue: %v %v", err, res)
	}
}

// TestScheduleBeforeAcknowledgment: an installment agreement whose
// first installment falls before the day the debt is acknowledged is
// refused, as the plan made from it would be (recovery refuses a first due
// date before the agreement date).
func TestScheduleBeforeAcknowledgment(t *testing.T) {
	e := mustEngine(t)
	f := map[string]string{"installments": "3", "first_due_date": "2026-07-19", "bank": "中国工商银行", "account_no": "1001"}
	_, err := e.Render("installment_agreement", "zh-CN", Input{Case: testCase(), Fields: f, Now: now})
	if dossier.ErrorCode(err) != dossier.EINVALID || !strings.Contains(fmt.Sprint(err.(*dossier.Error).Fields), "first_due_date") {
		t.Fatalf("first installment before the acknowledgment: err = %v, want EINVALID naming first_due_date", err)
	}
	f["first_due_date"] = "2026-07-20" // the same day is fine
	if _, err := e.Render("installment_agreement", "zh-CN", Input{Case: testCase(), Fields: f, Now: now}); err != nil {
		t.Fatal(err)
	}
}

// TestEvidenceListComplete: the evidence list of a payment-order
// application lists every live item of the case, however many there are,
// not the first page of them.
func TestEvidenceListComplete(t *testing.T) {
	s, db := mustService(t)
	ctx := context.Background()
	c := mustCase(t, db, nil)
	const n = 503
	for i := 0; i < n; i++ {
		at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
		ev := &dossier.Evidence{CaseID: c.ID, Kind: "chat", Title: fmt.Sprintf("聊天记录%03d", i+1), Filename: "c.png",
			MediaType: "image/png", Size: 1, SHA256: fmt.Sprintf("%064x", i), CreatedAt: at, CreatedBy: "u-admin", TextStatus: "none"}
		if err := db.CreateEvidence(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	d, err := s.Generate(ctx, admin, c.ID, Request{Template: "payment_order_application", Fields: requestFields["payment_order_application"]})
	if err != nil {
		t.Fatal(err)
	}
	list := d.Fields[evidenceList]
	if got := strings.Count(list, `"title"`); got != n {
		t.Errorf("evidence list has %d items, the case %d", got, n)
	}
	if !strings.Contains(list, "聊天记录503") {
		t.Error("the last item is missing from the evidence list")
	}
}

// TestSectionNumbers: sections of a long (overriding) template are
// numbered in Chinese numerals all the way: 二十、, not 20、.
func TestSectionNumbers(t *testing.T) {
	for n, want := range map[int]string{1: "一、", 10: "十、", 11: "十一、", 19: "十九、", 20: "二十、", 21: "二十一、",
		30: "三十、", 99: "九十九、"} {
		if got := sectionNumber(n, true); got != want {
			t.Errorf("section %d: %s, want %s", n, got, want)
		}
	}
	if got := sectionNumber(20, false); got != "20. " {
		t.Errorf("English section 20: %q", got)
	}
}

// A lawyer's letter for a debt not yet overdue on the document's date (due
// that day or later) would assert a breach that has not happened
// ("已逾期0日"): refused naming days_overdue. From the day after the due date
// it is one day overdue and generated.
func TestLetterForDebtNotYetOverdue(t *testing.T) {
	e := mustEngine(t)
	today := dossier.DateOf(now.In(time.Local))
	for _, lang := range []string{"zh-CN", "en"} {
		for _, tt := range []struct {
			due  dossier.Date
			want bool
		}{{today, false}, {dossier.DateOf(today.AddDate(0, 0, 30)), false}, {dossier.DateOf(today.AddDate(0, 0, -1)), true}} {
			c := testCase()
			c.DueDate = tt.due
			f := map[string]string{}
			for k, v := range requestFields["lawyer_letter"] {
				if k != "due_date" && k != "days_overdue" {
					f[k] = v
				}
			}
			res, err := e.Render("lawyer_letter", lang, Input{Case: c, Fields: f, Now: now, Location: time.Local})
			if tt.want {
				if err != nil || res.Fields["days_overdue"] != "1" {
					t.Errorf("%s, due %s: err %v, days_overdue %q; want a letter 1 day overdue", lang, tt.due, err, res.Fields["days_overdue"])
				}
				continue
			}
			if dossier.ErrorCode(err) != dossier.EINVALID || !strings.Contains(fmt.Sprint(err.(*dossier.Error).Fields), "days_overdue") {
				t.Errorf("%s, due %s: err = %v, want EINVALID naming days_overdue", lang, tt.due, err)
			}
		}
	}
}
