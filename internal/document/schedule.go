package document

import (
	"fmt"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// Installment is one row of a repayment schedule.
type Installment struct {
	N         int           `json:"n"`
	DueDate   dossier.Date  `json:"due_date"`
	Amount    dossier.Money `json:"amount"`
	Remaining dossier.Money `json:"remaining"` // balance after this installment
}

// Schedule splits total into n monthly installments starting on first. The
// amounts sum exactly to total: each is total/n rounded down to the fen and
// the last takes the remainder. Every due date keeps first's day of month,
// clamped to the month's last day (31 Jan → 28 or 29 Feb → 31 Mar), so one
// short month does not shift the rest.
func Schedule(total dossier.Money, n int, first dossier.Date) ([]Installment, error) {
	return schedule(total, n, first, 1)
}

// ScheduleIn is Schedule for an amount in currency cur: in a currency
// without a minor unit (WholeCurrency: JPY, KRW …) each installment is
// rounded down to a whole unit, so no installment asks for a fraction of a
// yen; the last still takes the remainder.
func ScheduleIn(total dossier.Money, n int, first dossier.Date, cur string) ([]Installment, error) {
	if WholeCurrency(cur) {
		return schedule(total, n, first, 100)
	}
	return schedule(total, n, first, 1)
}

// schedule splits total into installments that are multiples of unit.
func schedule(total dossier.Money, n int, first dossier.Date, unit dossier.Money) ([]Installment, error) {
	switch {
	case n < 1 || n > 360:
		return nil, fmt.Errorf("document: installments must be from 1 to 360, not %d", n)
	case total <= 0 || total > dossier.MaxMoney:
		return nil, fmt.Errorf("document: schedule total %s out of range", total)
	case total < dossier.Money(n)*unit:
		return nil, fmt.Errorf("document: %s cannot be split into %d installments of at least %s", total, n, unit)
	case first.IsZero():
		return nil, fmt.Errorf("document: schedule needs a first due date")
	}
	each := total / dossier.Money(n) / unit * unit
	out := make([]Installment, n)
	remaining := total
	for i := range out {
		amt := each
		if i == n-1 {
			amt = remaining
		}
		remaining -= amt
		out[i] = Installment{N: i + 1, DueDate: addMonthsClamped(first, i), Amount: amt, Remaining: remaining}
	}
	return out, nil
}

func addMonthsClamped(d dossier.Date, months int) dossier.Date {
	y, m := d.Year(), int(d.Month())-1+months
	y, m = y+m/12, m%12
	t := time.Date(y, time.Month(m+1), 1, 0, 0, 0, 0, time.UTC)
	last := t.AddDate(0, 1, -1).Day()
	return dossier.NewDate(y, time.Month(m+1), min(d.Day(), last))
}
