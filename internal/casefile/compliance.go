package casefile

import (
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// Compliance holds the collection-contact rules. Dossier's default window
// (08:00–21:00) is stricter than the banking guideline's 22:00–08:00 ban.
type Compliance struct {
	Location  *time.Location // local time for the window
	StartHour int            // first allowed hour, inclusive (default 8)
	EndHour   int            // allowed until this hour, exclusive (default 21)
	MaxPerDay int            // contacts per debtor per calendar day (default 6)
}

// Flags a communication can carry.
const (
	FlagOutsideHours = "outside_hours"
	FlagOverDailyMax = "over_daily_limit"
)

// Day returns the bounds of the local calendar day of t.
func (c *Compliance) Day(t time.Time) (from, to time.Time) {
	loc := c.Location
	if loc == nil {
		loc = time.Local
	}
	l := t.In(loc)
	from = time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	return from, from.AddDate(0, 0, 1)
}

// Check returns the compliance flags for m given the case's earlier records.
// Written channels (letter, email) are not time-bound contacts.
func (c *Compliance) Check(m *dossier.Communication, prior []*dossier.Communication) []string {
	flags := []string{}
	if m.Channel == "letter" || m.Channel == "email" {
		return flags
	}
	loc := c.Location
	if loc == nil {
		loc = time.Local
	}
	t := m.OccurredAt.In(loc)
	if h := t.Hour(); h < c.StartHour || h >= c.EndHour {
		flags = append(flags, FlagOutsideHours)
	}
	n := 1
	for _, p := range prior {
		if p.Channel == "letter" || p.Channel == "email" {
			continue
		}
		pt := p.OccurredAt.In(loc)
		if pt.Year() == t.Year() && pt.YearDay() == t.YearDay() {
			n++
		}
	}
	if c.MaxPerDay > 0 && n > c.MaxPerDay {
		flags = append(flags, FlagOverDailyMax)
	}
	return flags
}
