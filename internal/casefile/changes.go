package casefile

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dossier/dossier/internal/dossier"
)

// maxChangeRunes bounds each value quoted in an audit detail, so a long
// title does not push the other changes past the event's 2,000 bytes.
const maxChangeRunes = 80

// maxListed bounds the aliases quoted of each list; the rest are counted.
const maxListed = 5

// changes lists the fields an update changed, "field old → new", for the
// audit event. The case's own data (number, amounts, dates, party names)
// is written out; personal particulars (ID number, address, phone) are only
// named, because the trail is append-only and cannot be corrected later.
// Number, money, dates and stage come first: the event keeps 2,000 bytes,
// and long titles and alias lists must not push them out of it.
func changes(old, cur *dossier.Case) []string {
	var out []string
	text := func(field, a, b string) {
		if a != b {
			out = append(out, field+" "+quote(a)+" → "+quote(b))
		}
	}
	plain := func(field, a, b string) {
		if a != b {
			out = append(out, field+" "+a+" → "+b)
		}
	}
	text("number", old.Number, cur.Number)
	plain("principal", old.Principal.String(), cur.Principal.String())
	plain("interest", old.Interest.String(), cur.Interest.String())
	plain("currency", old.Currency, cur.Currency)
	plain("due_date", dateOrNone(old.DueDate), dateOrNone(cur.DueDate))
	plain("stage", string(old.Stage), string(cur.Stage))
	text("contract_no", old.ContractNo, cur.ContractNo)
	text("title", old.Title, cur.Title)
	party := func(prefix string, a, b dossier.Party) {
		text(prefix+".name", a.Name, b.Name)
		plain(prefix+".kind", string(a.Kind), string(b.Kind))
		text(prefix+".representative", a.Representative, b.Representative)
		for _, f := range []struct{ name, a, b string }{{"id_number", a.IDNumber, b.IDNumber},
			{"address", a.Address, b.Address}, {"phone", a.Phone, b.Phone}} {
			if f.a != f.b {
				out = append(out, prefix+"."+f.name+" changed")
			}
		}
		if !slices.Equal(a.Aliases, b.Aliases) {
			out = append(out, prefix+".aliases "+quoteList(a.Aliases)+" → "+quoteList(b.Aliases))
		}
	}
	party("creditor", old.Creditor, cur.Creditor)
	party("debtor", old.Debtor, cur.Debtor)
	return out
}

// searchable is what the search index keeps of a case with each of its
// items: the number and the parties' names and aliases.
func searchable(c *dossier.Case) string {
	parts := []string{c.Number, c.Creditor.Name, c.Debtor.Name}
	parts = append(parts, c.Creditor.Aliases...)
	parts = append(parts, "\x00")
	parts = append(parts, c.Debtor.Aliases...)
	return strings.Join(parts, "\x00")
}

func quote(s string) string {
	if utf8.RuneCountInString(s) <= maxChangeRunes {
		return strconv.Quote(s)
	}
	i, n := 0, 0
	for i = range s {
		if n == maxChangeRunes {
			break
		}
		n++
	}
	return strconv.Quote(s[:i] + "…")
}

// quoteList quotes the first maxListed entries and counts the rest.
func quoteList(l []string) string {
	q := make([]string, 0, min(len(l), maxListed)+1)
	for _, s := range l[:min(len(l), maxListed)] {
		q = append(q, quote(s))
	}
	if len(l) > maxListed {
		q = append(q, "… +"+strconv.Itoa(len(l)-maxListed)+" more")
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func dateOrNone(d dossier.Date) string {
	if d.IsZero() {
		return "none"
	}
	return d.String()
}
