package document

import (
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// TestNotYetOverdue: a lawyer's letter demands a debt that is overdue
// on the letter's date. A request that types in a count of days overdue
// while the due date it prints has not passed yet (the case's, or one it
// gives) would state a breach that has not happened ("you were to pay by
// 31 August; 5 days overdue" on 20 July): it is 422 naming days_overdue,
// whatever count is typed, as a count of 0 already was.
func TestNotYetOverdue(t *testing.T) {
	e := mustEngine(t)
	fields := func(extra map[string]string) map[string]string {
		f := map[string]string{}
		for k, v := range requestFields["lawyer_letter"] {
			f[k] = v
		}
		for k, v := range extra {
			f[k] = v
		}
		return f
	}
	future := testCase()
	future.DueDate = dossier.NewDate(2026, 8, 31) // after now (2026-07-20)
	for name, in := range map[string]Input{
		"CaseDueLater":     {Case: future, Fields: fields(map[string]string{"days_overdue": "5"})},
		"GivenDueLater":    {Case: testCase(), Fields: fields(map[string]string{"due_date": "2026-08-31", "days_overdue": "5"})},
		"GivenDueToday":    {Case: testCase(), Fields: fields(map[string]string{"due_date": "2026-07-20", "days_overdue": "1"})},
		"CaseDueLaterNone": {Case: future, Fields: fields(nil)},
	} {
		t.Run("Err"+name, func(t *testing.T) {
			in.Now = now
			_, err := e.Render("lawyer_letter", "zh-CN", in)
			if dossier.ErrorCode(err) != dossier.EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			var got []string
			for _, fe := range err.(*dossier.Error).Fields {
				got = append(got, fe.Field+": "+fe.Message)
			}
			if len(got) != 1 || !strings.HasPrefix(got[0], "days_overdue: ") || !strings.Contains(got[0], "not overdue") {
				t.Errorf("fields = %q, want days_overdue alone, saying the debt is not overdue", got)
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		// Overdue since yesterday; a count typed in for a past due date
		// stays the request's (counsel may count from another event).
		for _, extra := range []map[string]string{{"due_date": "2026-07-19"}, {"days_overdue": "200"}} {
			if _, err := e.Render("lawyer_letter", "zh-CN", Input{Case: testCase(), Fields: fields(extra), Now: now}); err != nil {
				t.Errorf("%v: %v", extra, err)
			}
		}
	})
}
