package dossier

import "testing"

func TestParseMoney(t *testing.T) {
	ok := []struct {
		in   string
		want Money
	}{
		{"128000.5", 12800050},
		{"-20.00", -2000},
		{"+3", 300},
		{" 7.05 ", 705},
		{"0", 0},
		{"999", 99900},
		{"1,234", 123400},
		{"12,000.00", 1200000},
		{"1,234,567.89", 123456789},
		{"-386,500.00", -38650000},
		{"999,999,999,999.99", MaxMoney},
	}
	for _, tt := range ok {
		t.Run("OK/"+tt.in, func(t *testing.T) {
			got, err := ParseMoney(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("ParseMoney(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
	// A comma anywhere but between groups of three digits is a typing error
	// or a decimal comma ("386,50" is 386.50 to much of the world): reading it
	// as a separator would multiply the amount by 10 or 100.
	bad := []string{"", " ", "-", "1.", ".5", "1.234", "1e6", "0x10", "12a", "1 000",
		"386,50", "1,5", "12,34,5.6", "1,2345", ",123", "123,", "1,,234", "1,234,56", "1234,567",
		"1,234.5,6", "1.234,56", "1,234,", "-,123", "1，234", "1000000000000"}
	for _, in := range bad {
		t.Run("Err/"+in, func(t *testing.T) {
			if m, err := ParseMoney(in); err == nil {
				t.Errorf("ParseMoney(%q) = %s, want an error", in, m)
			}
		})
	}
}
