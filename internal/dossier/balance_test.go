package dossier

import "testing"

func TestCaseBalance(t *testing.T) {
	c := &Case{Principal: 38650000, Interest: 120050} // 386,500.00 + 1,200.50
	pay := func(amounts ...Money) []*Payment {
		var ps []*Payment
		for _, a := range amounts {
			ps = append(ps, &Payment{Amount: a})
		}
		return ps
	}
	tests := []struct {
		name   string
		ledger []*Payment
		want   Balance
	}{
		{"OKNothingPaid", nil, Balance{Interest: 120050, Principal: 38650000}},
		{"OKInterestFirst", pay(100000), Balance{Paid: 100000, Interest: 20050, Principal: 38650000}},
		{"OKInterestExactly", pay(120050), Balance{Paid: 120050, Principal: 38650000}},
		{"OKThenPrincipal", pay(30000000), Balance{Paid: 30000000, Principal: 8770050}},
		{"OKSeveral", pay(100000, 20050, 1), Balance{Paid: 120051, Principal: 38649999}},
		{"OKReversal", pay(30000000, 100000, -30000000), Balance{Paid: 100000, Interest: 20050, Principal: 38650000}},
		{"OKPaidInFull", pay(38770050), Balance{Paid: 38770050}},
		{"OKOverpaid", pay(38770050, 5000), Balance{Paid: 38775050, Excess: 5000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CaseBalance(c, tt.ledger)
			if got != tt.want {
				t.Errorf("CaseBalance = %+v, want %+v", got, tt.want)
			}
			// What is owed and what was applied always add up to the debt.
			if applied := got.Paid - got.Excess; got.Total()+applied != c.Total() && got.Paid >= 0 {
				t.Errorf("owed %s + applied %s != debt %s", got.Total(), applied, c.Total())
			}
		})
	}
	t.Run("OKNoInterest", func(t *testing.T) {
		got := CaseBalance(&Case{Principal: 1000}, pay(400))
		if got != (Balance{Paid: 400, Principal: 600}) {
			t.Errorf("%+v", got)
		}
	})
}
