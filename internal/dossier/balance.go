package dossier

// Balance is what a case's debtor still owes once the payments ledger is
// applied to the debt.
type Balance struct {
	Paid      Money // net sum of the ledger; reversals cancel their payments
	Interest  Money // interest or agreed penalty still owed
	Principal Money // principal still owed
	Excess    Money // paid beyond the case total
}

// Total is what is still owed: principal plus interest.
func (b Balance) Total() Money { return b.Principal + b.Interest }

// CaseBalance applies a case's ledger to its debt as Civil Code art. 561
// orders when the parties agreed nothing else: a payment that does not cover
// the whole debt goes first to the costs of enforcing it, then to interest,
// then to the principal. A case records no costs, so payments go to
// interest and then to principal. Each step fills before the next, so the
// ledger's net sum gives the same split as applying the payments one by one,
// and a reversal undoes exactly what its payment paid off.
func CaseBalance(c *Case, payments []*Payment) Balance {
	var b Balance
	for _, p := range payments {
		b.Paid += p.Amount
	}
	left := max(b.Paid, 0)
	b.Interest = c.Interest - min(left, c.Interest)
	left -= c.Interest - b.Interest
	b.Principal = c.Principal - min(left, c.Principal)
	b.Excess = left - (c.Principal - b.Principal)
	return b
}
