package dossier_test

import (
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// A contact dated before 1900 (0000-01-01 from a slipped date picker) or
// after now (beyond clock skew) is refused naming occurred_at, as evidence
// is: it was stored, and a demand or acknowledgment so dated counted in the
// limitation period.
func TestCommunicationDateRange(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		at   time.Time
		want string // the occurred_at message, "" for none
	}{
		{time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), "must not be before 1900-01-01"},
		{time.Date(1899, 12, 31, 23, 59, 0, 0, time.UTC), "must not be before 1900-01-01"},
		{time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), ""},
		{now.Add(-time.Hour), ""},
		{now.Add(48 * time.Hour), "must not be in the future"},
		// A day ahead was accepted: a contact that has not happened yet.
		{now.Add(3 * time.Hour), "must not be in the future"},
		{now.Add(4 * time.Minute), ""},
	} {
		m := &dossier.Communication{OccurredAt: tt.at, Channel: "phone", Summary: "催收电话"}
		err := m.Validate(now)
		got := ""
		for _, f := range dossier.ErrorFields(err) {
			if f.Field == "occurred_at" {
				got = f.Message
			}
		}
		if got != tt.want {
			t.Errorf("occurred_at %s: %q (%v), want %q", tt.at, got, err, tt.want)
		}
	}
}
