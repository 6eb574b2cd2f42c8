package dossier

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Money is an exact amount in cents (fen). It is never a float: JSON carries
// it as a decimal string with at most two decimals ("128000.50").
type Money int64

// MaxMoney is the largest amount Dossier accepts (999,999,999,999.99), the
// range the Chinese capital-numeral writer covers.
const MaxMoney Money = 99999999999999

// ParseMoney parses a decimal string such as "128000.5" or "-20.00".
// Thousands separators are accepted only where they belong ("1,234,567.89"):
// a comma anywhere else ("386,50", "1,5") is more likely a decimal comma or a
// slip than a separator, and dropping it would change the amount tenfold or a
// hundredfold. Exponents and more than two decimals are refused too.
func ParseMoney(s string) (Money, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty amount")
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if strings.Contains(whole, ",") {
		var ok bool
		if whole, ok = ungroup(whole); !ok {
			return 0, fmt.Errorf("amount %q: a comma may only separate groups of three digits (1,234,567.89)", s)
		}
	}
	if whole == "" || (hasDot && frac == "") || len(frac) > 2 {
		return 0, fmt.Errorf("amount %q must be digits with at most 2 decimals", s)
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("amount %q must be digits with at most 2 decimals", s)
		}
	}
	if len(whole) > 12 {
		return 0, fmt.Errorf("amount too large")
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	m := Money(w*100 + f)
	if neg {
		m = -m
	}
	return m, nil
}

// ungroup removes the thousands separators of "1,234,567": one to three
// leading digits, then groups of exactly three.
func ungroup(whole string) (string, bool) {
	groups := strings.Split(whole, ",")
	if len(groups[0]) < 1 || len(groups[0]) > 3 {
		return "", false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

// String renders the amount as "1234.50".
func (m Money) String() string {
	sign := ""
	v := int64(m)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// Grouped renders the amount with thousands separators: "386,500.00".
func (m Money) Grouped() string {
	s := m.String()
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + b.String() + "." + frac
}

// Yuan and Fen split a non-negative amount.
func (m Money) Yuan() int64 { return int64(m) / 100 }
func (m Money) Fen() int64  { return int64(m) % 100 }

func (m Money) MarshalJSON() ([]byte, error) { return json.Marshal(m.String()) }

func (m *Money) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("amount must be a decimal string such as \"1280.50\"")
	}
	v, err := ParseMoney(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}
