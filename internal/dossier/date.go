package dossier

import (
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar date, carried in JSON as "YYYY-MM-DD". The zero Date is
// "no date" and marshals as null.
type Date struct{ time.Time }

const dateLayout = "2006-01-02"

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// ParseDate parses "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q must be YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// Start is the first instant of d in loc: its midnight or, where summer
// time begins at midnight (Chile, Cuba, Paraguay) and the day has no 00:00,
// the moment the clocks go forward (01:00). Go would give 23:00 of the day
// before, which read back in loc is the wrong day.
func (d Date) Start(loc *time.Location) time.Time {
	t := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	if t.Day() != d.Day() {
		if _, end := t.ZoneBounds(); !end.IsZero() {
			t = end
		}
	}
	return t
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date { return NewDate(t.Year(), t.Month(), t.Day()) }

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(dateLayout)
}

// DaysUntil returns the whole days from d to e (negative when e is earlier).
func (d Date) DaysUntil(e Date) int { return int(e.Sub(d.Time).Hours() / 24) }

// AddDays returns d plus n days.
func (d Date) AddDays(n int) Date { return Date{d.AddDate(0, 0, n)} }

// Chinese renders the date as 2026年7月20日.
func (d Date) Chinese() string {
	return fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
}

func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date must be a string YYYY-MM-DD")
	}
	if s == "" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
