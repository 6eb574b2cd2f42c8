package document

import (
	"math/rand"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

func TestSchedule(t *testing.T) {
	d := dossier.NewDate
	tests := []struct {
		name  string
		total dossier.Money
		n     int
		first dossier.Date
		dates []dossier.Date
		amts  []dossier.Money
	}{
		{"OKEven", 30000, 3, d(2026, 1, 15), []dossier.Date{d(2026, 1, 15), d(2026, 2, 15), d(2026, 3, 15)}, []dossier.Money{10000, 10000, 10000}},
		{"OKRemainderLast", 10000, 3, d(2026, 1, 31), []dossier.Date{d(2026, 1, 31), d(2026, 2, 28), d(2026, 3, 31)}, []dossier.Money{3333, 3333, 3334}},
		{"OKLeapFeb", 100, 2, d(2028, 1, 31), []dossier.Date{d(2028, 1, 31), d(2028, 2, 29)}, []dossier.Money{50, 50}},
		{"OKDay30", 400, 4, d(2026, 11, 30), []dossier.Date{d(2026, 11, 30), d(2026, 12, 30), d(2027, 1, 30), d(2027, 2, 28)}, []dossier.Money{100, 100, 100, 100}},
		{"OKYearEnd", 3, 3, d(2026, 12, 31), []dossier.Date{d(2026, 12, 31), d(2027, 1, 31), d(2027, 2, 28)}, []dossier.Money{1, 1, 1}},
		{"OKOne", 39900050, 1, d(2026, 8, 31), []dossier.Date{d(2026, 8, 31)}, []dossier.Money{39900050}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Schedule(tt.total, tt.n, tt.first)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.n {
				t.Fatalf("%d installments, want %d", len(got), tt.n)
			}
			for i, in := range got {
				if !in.DueDate.Equal(tt.dates[i].Time) || in.Amount != tt.amts[i] || in.N != i+1 {
					t.Errorf("#%d = %d %s %s, want %s %s", i, in.N, in.DueDate, in.Amount, tt.dates[i], tt.amts[i])
				}
			}
			if got[len(got)-1].Remaining != 0 {
				t.Errorf("last remaining = %s", got[len(got)-1].Remaining)
			}
		})
	}
	for _, bad := range []struct {
		name  string
		total dossier.Money
		n     int
		first dossier.Date
	}{{"ErrZeroN", 100, 0, d(2026, 1, 1)}, {"ErrTooSmall", 2, 3, d(2026, 1, 1)}, {"ErrNoDate", 100, 2, dossier.Date{}},
		{"ErrTotal", 0, 2, d(2026, 1, 1)}, {"ErrTooMany", 100000, 361, d(2026, 1, 1)}} {
		t.Run(bad.name, func(t *testing.T) {
			if _, err := Schedule(bad.total, bad.n, bad.first); err == nil {
				t.Error("Schedule succeeded")
			}
		})
	}
	t.Run("OKProperty", func(t *testing.T) {
		rng := rand.New(rand.NewSource(7))
		for i := 0; i < 20000; i++ {
			n := 1 + rng.Intn(120)
			total := dossier.Money(int64(n) + rng.Int63n(int64(dossier.MaxMoney)-int64(n)))
			first := d(2000+rng.Intn(100), time.Month(1+rng.Intn(12)), 1+rng.Intn(31))
			first = dossier.DateOf(first.Time) // normalise 31 Apr etc.
			got, err := Schedule(total, n, first)
			if err != nil {
				t.Fatal(err)
			}
			var sum dossier.Money
			prev := dossier.Date{}
			for j, in := range got {
				sum += in.Amount
				if in.Amount <= 0 || in.Remaining != total-sum {
					t.Fatalf("%s/%d #%d: amount %s remaining %s", total, n, j, in.Amount, in.Remaining)
				}
				if want := min(first.Day(), daysIn(in.DueDate)); in.DueDate.Day() != want || !in.DueDate.After(prev.Time) {
					t.Fatalf("%s/%d from %s: #%d due %s", total, n, first, j, in.DueDate)
				}
				if m := (in.DueDate.Year()-first.Year())*12 + int(in.DueDate.Month()) - int(first.Month()); m != j {
					t.Fatalf("#%d due %s is %d months after %s", j, in.DueDate, m, first)
				}
				prev = in.DueDate
			}
			if sum != total {
				t.Fatalf("sum %s != total %s", sum, total)
			}
		}
	})
}

func daysIn(d dossier.Date) int {
	return time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func TestReadiness(t *testing.T) {
	tests := []struct {
		name     string
		forDoc   string
		have     []dossier.EvidenceKind
		ready    bool
		haveK    []string
		missingK []string
	}{
		{"OKAll", "payment_order_application", []dossier.EvidenceKind{"contract", "delivery", "invoice", "letter", "chat"},
			true, []string{"contract", "delivery", "invoice", "letter", "acknowledgment"}, nil},
		{"OKRecommendedMissing", "payment_order_application", []dossier.EvidenceKind{"contract", "delivery", "statement"},
			true, []string{"contract", "delivery", "invoice", "acknowledgment"}, []string{"letter"}},
		{"ErrNoDelivery", "payment_order_application", []dossier.EvidenceKind{"contract", "invoice", "photo"},
			false, []string{"contract", "invoice"}, []string{"delivery", "letter", "acknowledgment"}},
		{"ErrNothing", "payment_order_application", nil, false, nil, []string{"contract", "delivery", "invoice", "letter", "acknowledgment"}},
		{"OKLetter", "lawyer_letter", []dossier.EvidenceKind{"contract"}, true, []string{"contract"}, []string{"invoice", "delivery"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ready, have, missing, err := Readiness(tt.forDoc, tt.have)
			if err != nil {
				t.Fatal(err)
			}
			var mk []string
			for _, m := range missing {
				if m.Why == "" {
					t.Errorf("%s has no reason", m.Kind)
				}
				mk = append(mk, m.Kind)
			}
			if ready != tt.ready || !equalStrings(have, tt.haveK) || !equalStrings(mk, tt.missingK) {
				t.Errorf("Readiness = %v %v %v, want %v %v %v", ready, have, mk, tt.ready, tt.haveK, tt.missingK)
			}
		})
	}
	t.Run("ErrUnknown", func(t *testing.T) {
		if _, _, _, err := Readiness("divorce", nil); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("err = %v", err)
		}
	})
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestConditions(t *testing.T) {
	today := dossier.NewDate(2026, 7, 20)
	kinds := func(ms []Missing) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Kind)
		}
		return out
	}
	ok := testCase()
	ok.Interest = 0
	notDue := testCase()
	notDue.DueDate = today
	bare := &dossier.Case{}
	tests := []struct {
		name string
		c    *dossier.Case
		want []string
	}{
		{"OK", ok, nil},
		{"OKInterestNoted", testCase(), []string{"contract_interest"}},
		{"ErrNotDue", notDue, []string{"due", "contract_interest"}},
		{"ErrBare", bare, []string{"due", "amount", "debtor_address"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kinds(Conditions("payment_order_application", tt.c, nil, today)); !equalStrings(got, tt.want) {
				t.Errorf("Conditions = %v, want %v", got, tt.want)
			}
		})
	}
	if got := Conditions("lawyer_letter", bare, nil, today); got != nil {
		t.Errorf("lawyer_letter conditions = %v", got)
	}
}
