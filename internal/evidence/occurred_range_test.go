package evidence_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// An evidence occurred_at dates a limitation period (internal/recovery):
// 0000-01-01 or 9999-12-31 were stored as given. Like a communication's, a
// date in the future is refused (a few minutes of clock skew for a time;
// a bare date is a day in the business time zone, so today's is accepted
// and tomorrow's is not), and so is one before 1900-01-01.
func TestOccurredAtRange(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "sqlite")
	now := time.Date(2026, 7, 20, 10, 0, 0, 0, time.UTC) // 18:00 in Shanghai
	f.vault.Now = func() time.Time { return now }
	f.vault.Location = mustZone(t, "Asia/Shanghai")
	tests := []struct {
		value string
		want  string // "" when accepted
	}{
		{"0000-01-01", "must not be before 1900-01-01"},
		{"1899-12-31", "must not be before 1900-01-01"},
		{"1899-12-31T23:59:59Z", "must not be before 1900-01-01"},
		{"9999-12-31", "must not be in the future"},
		{"9999-12-31T23:59:59Z", "must not be in the future"},
		{"2026-07-20T10:30:00Z", "must not be in the future"},
		{"2026-07-21T01:00:00+14:00", "must not be in the future"},
		{"2026-07-22", "must not be in the future"},
		{"1900-01-01", ""},
		{"2026-07-20T10:03:00Z", ""},                // clock skew
		{"2026-07-21", "must not be in the future"}, // tomorrow in Shanghai
		{"2026-07-20", ""},
		{"2026-07-20T18:00:00+08:00", ""},
	}
	for i, tc := range tests {
		data := []byte(strings.Repeat("x", i+1))
		e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, formThen("a.pdf", data, "kind", "letter", "occurred_at", tc.value))
		if tc.want == "" {
			if err != nil {
				t.Errorf("occurred_at %s refused: %v", tc.value, err)
			} else if e.OccurredAt == nil {
				t.Errorf("occurred_at %s not stored", tc.value)
			}
			continue
		}
		fields := dossier.ErrorFields(err)
		if dossier.ErrorCode(err) != dossier.EINVALID || len(fields) != 1 || fields[0].Field != "occurred_at" || fields[0].Message != tc.want {
			t.Errorf("occurred_at %s: %v %v, want 422 occurred_at %q", tc.value, err, fields, tc.want)
		}
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// A bare occurred_at date was read as UTC midnight, which in a zone west of
// UTC is the evening of the day before: the limitation rules, which take the
// calendar day in DOSSIER_TZ, dated a letter sent on 1 March as 28 February.
// It is now the start of that day in the business time zone, as the web
// form reads it.
func TestOccurredAtDateInBusinessZone(t *testing.T) {
	ctx := context.Background()
	for _, zone := range []string{"America/New_York", "Asia/Shanghai", "Pacific/Kiritimati"} {
		f := newFixture(t, "sqlite")
		loc := mustZone(t, zone)
		f.vault.Location = loc
		e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, formThen("a.pdf", []byte(zone), "kind", "letter", "occurred_at", "2026-03-01"))
		if err != nil {
			t.Fatalf("%s: %v", zone, err)
		}
		want := time.Date(2026, 3, 1, 0, 0, 0, 0, loc)
		if e.OccurredAt == nil || !e.OccurredAt.Equal(want) || e.OccurredAt.Location() != time.UTC {
			t.Errorf("%s: occurred_at %v, want %v stored in UTC", zone, e.OccurredAt, want.UTC())
		}
		got, err := f.vault.Store.Evidence(ctx, e.ID)
		if err != nil || got.OccurredAt == nil || got.OccurredAt.In(loc).Format(time.DateOnly) != "2026-03-01" {
			t.Errorf("%s: stored occurred_at %v (%v), want the day 2026-03-01 in the zone", zone, got.OccurredAt, err)
		}
	}
}
