package evidence_test

import (
	"context"
	"testing"
	"time"
)

// Where summer time begins at midnight (Chile, Cuba, Paraguay; Brazil
// until 2019), the day's midnight does not exist: Go resolves it to 23:00
// of the day before, so a bare occurred_at of that day was stored as the
// evening before and the limitation rules, which take the calendar day in
// DOSSIER_TZ, dated the letter a day early. The day now starts at its
// first instant, 01:00 after the clocks go forward.
func TestOccurredAtDateAtMidnightDST(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ zone, date string }{
		{"America/Santiago", "2022-09-11"},
		{"America/Sao_Paulo", "2018-11-04"},
		{"America/Havana", "2023-03-12"},
		{"America/Asuncion", "2023-10-01"},
		{"America/Santiago", "2022-09-12"}, // the day after: an ordinary midnight
	} {
		f := newFixture(t, "sqlite")
		loc := mustZone(t, tc.zone)
		f.vault.Location = loc
		e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, formThen("a.pdf", []byte(tc.zone+tc.date), "kind", "letter", "occurred_at", tc.date))
		if err != nil {
			t.Fatalf("%s %s: %v", tc.zone, tc.date, err)
		}
		got, err := f.vault.Store.Evidence(ctx, e.ID)
		if err != nil || got.OccurredAt == nil {
			t.Fatalf("%s %s: stored %v, %v", tc.zone, tc.date, got, err)
		}
		local := got.OccurredAt.In(loc)
		if local.Format(time.DateOnly) != tc.date {
			t.Errorf("%s %s: stored as %v, the day before in the zone", tc.zone, tc.date, local)
		}
		// The first instant of the day: an hour earlier is the day before.
		if local.Add(-time.Hour).Format(time.DateOnly) == tc.date {
			t.Errorf("%s %s: stored as %v, not the start of the day", tc.zone, tc.date, local)
		}
	}
}
