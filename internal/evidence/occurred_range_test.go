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
// a bare date may be today in the earliest zone), and so is one before
// 1900-01-01.
func TestOccurredAtRange(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "sqlite")
	now := time.Date(2026, 7, 20, 10, 0, 0, 0, time.UTC)
	f.vault.Now = func() time.Time { return now }
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
		{"2026-07-20T10:03:00Z", ""}, // clock skew
		{"2026-07-21", ""},           // already 21 July in UTC+14
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
