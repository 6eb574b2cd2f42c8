package dossier_test

import (
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// A calendar day starts at its midnight in the business zone; where summer
// time begins at midnight the day has no 00:00, and Go's time.Date gives
// 23:00 of the day before, so a search or audit "from" that day, a share
// link's expiry or a payment dated that day fell on the wrong day. Start
// gives the moment the clocks go forward instead.
func TestDateStart(t *testing.T) {
	for _, tc := range []struct {
		zone, day, want string
	}{
		{"Asia/Shanghai", "2026-03-01", "2026-03-01T00:00:00+08:00"},
		{"America/New_York", "2026-03-08", "2026-03-08T00:00:00-05:00"}, // DST at 02:00: midnight exists
		{"America/Santiago", "2022-09-11", "2022-09-11T01:00:00-03:00"},
		{"America/Havana", "2023-03-12", "2023-03-12T01:00:00-04:00"},
		{"America/Asuncion", "2023-10-01", "2023-10-01T01:00:00-03:00"},
	} {
		loc, err := time.LoadLocation(tc.zone)
		if err != nil {
			t.Fatal(err)
		}
		d, err := dossier.ParseDate(tc.day)
		if err != nil {
			t.Fatal(err)
		}
		got := d.Start(loc)
		if got.Format(time.RFC3339) != tc.want || dossier.DateOf(got).String() != tc.day {
			t.Errorf("%s %s: %s, want %s", tc.zone, tc.day, got.Format(time.RFC3339), tc.want)
		}
	}
}
