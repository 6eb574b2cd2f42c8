package policy

import (
	"regexp"
	"strings"

	"github.com/dossier/dossier/internal/dossier"
)

// Masked reports whether personal data must be masked for a: external users
// and auditors do not need debtors' ID and phone numbers (they see them in the
// generated documents, which are evidence and stay unmasked), admins and
// counsel do. Anonymous callers get masked data.
func Masked(a *dossier.Actor) bool {
	switch a.RoleOf() {
	case dossier.RoleAdmin, dossier.RoleCounsel:
		return false
	}
	return true
}

// MaskParty returns p with the personal data of a natural person masked: the
// ID number keeps its first 6 (region) and last 4 characters
// (330102********1234), the phone its first 3 and last 4 digits
// (138****5678). Companies are returned unchanged: a unified social credit
// code and a company switchboard are public registration data. A party whose
// kind is not "company" is treated as a person, so an unset kind errs on the
// side of privacy. Name and address stay: documents and bundles need them to
// identify the debtor, and they are not identifiers on their own.
func MaskParty(p dossier.Party) dossier.Party {
	if p.Kind == dossier.PartyCompany {
		return p
	}
	p.IDNumber = maskID(p.IDNumber)
	p.Phone = maskPhone(p.Phone)
	return p
}

// MaskCase returns a copy of c with both parties passed through MaskParty.
func MaskCase(c dossier.Case) dossier.Case {
	c.Creditor = MaskParty(c.Creditor)
	c.Debtor = MaskParty(c.Debtor)
	return c
}

// maskID keeps the region code and the last four characters of an ID number.
func maskID(s string) string {
	r := []rune(s)
	n := len(r)
	switch {
	case n == 0:
		return s
	case n >= 14: // 15- and 18-character ID numbers
		return string(r[:6]) + strings.Repeat("*", n-10) + string(r[n-4:])
	case n >= 6:
		return strings.Repeat("*", n-2) + string(r[n-2:])
	}
	return strings.Repeat("*", n)
}

// maskPhone masks the middle digits of a phone number and keeps its
// punctuation, so "+86 138-1234-5678" becomes "+86 138-****-5678".
func maskPhone(s string) string {
	b := []byte(s)
	var pos []int // indexes of the ASCII digits
	for i, c := range b {
		if c >= '0' && c <= '9' {
			pos = append(pos, i)
		}
	}
	// A country code in front of an 11-digit mobile number is not part of it.
	if len(pos) > 11 {
		pre := len(pos) - 11
		if digitsAre(b, pos[:pre], "86") || digitsAre(b, pos[:pre], "0086") {
			pos = pos[pre:]
		}
	}
	head, tail := 3, 4
	if len(pos) < 8 {
		head, tail = 0, min(2, len(pos)/2)
	}
	for _, i := range pos[head : len(pos)-tail] {
		b[i] = '*'
	}
	return string(b)
}

func digitsAre(b []byte, pos []int, want string) bool {
	if len(pos) != len(want) {
		return false
	}
	for k, i := range pos {
		if b[i] != want[k] {
			return false
		}
	}
	return true
}

// sensitiveRE finds candidates for MaskText: 18-character resident ID numbers
// (17 digits and a digit or X) and mainland mobile numbers, optionally with a
// +86 prefix and spaces or dashes between the 3-4-4 groups. Boundaries are
// checked by hand because RE2 has no look-behind.
var sensitiveRE = regexp.MustCompile(`\d{17}[\dXx]|(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}`)

// MaskText masks ID numbers and mobile numbers inside free text (search
// snippets, details, log lines) the way MaskParty does. A match glued to
// another letter or digit (part of a longer number, a hash, a code) is left
// alone. Full-width digits are not recognised.
func MaskText(s string) string {
	locs := sensitiveRE.FindAllStringIndex(s, -1)
	if locs == nil {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, l := range locs {
		start, end := l[0], l[1]
		if (start > 0 && isAlnum(s[start-1])) || (end < len(s) && isAlnum(s[end])) {
			continue
		}
		b.WriteString(s[last:start])
		m := s[start:end]
		if len(m) == 18 && !strings.ContainsAny(m, "+- ") {
			b.WriteString(maskID(m))
		} else {
			b.WriteString(maskPhone(m))
		}
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
