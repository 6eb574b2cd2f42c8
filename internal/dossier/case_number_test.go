package dossier

import (
	"errors"
	"strings"
	"testing"
)

func validCase(number string) *Case {
	return &Case{Number: number, Principal: 100, DueDate: NewDate(2026, 1, 31),
		Creditor: Party{Name: "甲"}, Debtor: Party{Name: "乙"}}
}

// A case in court is known by the court's number, year in brackets first, as
// counsel copy it from the court's notice.
func TestCaseNumberForms(t *testing.T) {
	for _, n := range []string{"2026-HZ-0001", "（2026）京0105民初1234号", "(2026)沪0101民初1234号",
		"〔2026〕京仲案字第0001号", "HZ_2026/17", "2026京0105民初1234号"} {
		if err := validCase(n).Validate(); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	for _, n := range []string{"-2026", "/etc/passwd", "）2026", "2026 HZ", "2026\x00", "<script>", strings.Repeat("9", 65)} {
		err := validCase(n).Validate()
		var fe *Error
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), "number") {
			t.Errorf("%q: want the number refused, got %v", n, err)
		}
	}
}
