package recovery

import (
	"encoding/csv"
	"io"
	"regexp"
	"strconv"
)

// CSVHeader is the dashboard export's column layout. It is part of the API:
// columns are only ever appended. Each row belongs to one section:
//
//	bucket, stage:        key, currency, count, amount, paid, outstanding
//	limitation_30, limitation_90, limitation_expired:
//	                      case_id, case_number, stage (in key), date (deadline), days_left
//	missed_installment:   case_id, case_number, plan_id, installment, date (due),
//	                      currency, amount, paid, outstanding (the shortfall)
//
// limitation_90 repeats the cases of limitation_30. Unused cells are empty.
var CSVHeader = []string{"section", "key", "currency", "count", "amount", "paid", "outstanding",
	"case_id", "case_number", "plan_id", "installment", "date", "days_left"}

// WriteCSV writes d in the CSVHeader layout. Text cells that a spreadsheet
// would read as a formula are prefixed with an apostrophe (CSV injection).
func WriteCSV(w io.Writer, d *Dashboard) error {
	cw := csv.NewWriter(w)
	row := func(cells ...string) {
		for i, c := range cells {
			cells[i] = safeCell(c)
		}
		_ = cw.Write(cells)
	}
	row(CSVHeader...)
	for _, sec := range []struct {
		name string
		ts   []Tally
	}{{"bucket", d.ByBucket}, {"stage", d.ByStage}} {
		for _, t := range sec.ts {
			row(sec.name, t.Key, t.Currency, strconv.Itoa(t.Count), t.Amount.String(), t.Paid.String(),
				t.Outstanding.String(), "", "", "", "", "", "")
		}
	}
	for _, sec := range []struct {
		name string
		ns   []NearDeadline
	}{{"limitation_30", d.Within30}, {"limitation_90", d.Within90}, {"limitation_expired", d.Expired}} {
		for _, n := range sec.ns {
			row(sec.name, string(n.Stage), "", "", "", "", "", n.CaseID, n.Number, "", "", n.Deadline.String(),
				strconv.Itoa(n.DaysLeft))
		}
	}
	for _, m := range d.MissedInstallments {
		row("missed_installment", "", m.Currency, "", m.Amount.String(), m.Paid.String(), m.Shortfall.String(),
			m.CaseID, m.Number, m.PlanID, strconv.Itoa(m.N), m.DueDate.String(), "")
	}
	cw.Flush()
	return cw.Error()
}

var numberRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// safeCell neutralises cells starting with = + - @ or a tab/CR (OWASP CSV
// injection), except plain numbers such as a negative outstanding amount.
func safeCell(s string) string {
	if s == "" || numberRE.MatchString(s) {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
