package document

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A template is a small line-oriented text file, <id>.<lang>.tmpl:
//
//	# comment
//	title 律师函                               document title (listing, PDF metadata)
//	footer 第 {current} 页 共 {total} 页        page-number pattern
//	field NAME | TYPE | required|optional | SOURCE | 中文标签 | English label
//	letterhead TEXT [| SUBLINE]               firm letterhead with a rule under it
//	heading TEXT                              centred document heading
//	section TEXT                              numbered section: 一、TEXT / 1. TEXT
//	label TEXT                                unnumbered section heading (请求事项：)
//	para TEXT                                 paragraph (first line indented in Chinese)
//	line TEXT                                 paragraph without indent
//	right TEXT                                right-aligned line (date, reference)
//	space                                     a blank line
//	table schedule|evidence | HEADER | …      computed table with these column headers
//	sign LINE | LINE | …                      one signature block; consecutive ones sit side by side
//	keep                                      start a block kept on one page when it fits on one
//	end                                       end the block keep started
//	sum TOTAL = PART + PART …                 money field TOTAL must equal the sum of the PARTs
//
// A body directive may start with a condition on a field declared before it,
// [NAME=VALUE] or [NAME!=VALUE], and is then left out unless the field's
// value (empty when it has none) matches: the particulars and signature of a
// natural person differ from a company's. Several conditions, one after the
// other, must all hold: [creditor_kind!=person][creditor_rep_title=] is a
// company's representative without a title. Consecutive right lines (a
// signature block) and side-by-side sign blocks are never split by a page;
// keep … end does the same for longer blocks, such as a short list of
// attachments with its evidence table.
//
//	[debtor_kind=person] line? 身份证号码：{debtor_id}
//
// TYPE is text, money, date, licence (17 digits), party (company or person),
// or int MIN..MAX. SOURCE is
// "-" (the request must give it), "case.<path>" (from the case: see
// caseValue), "now" (the creation date), "setting.demand_days" (the days a
// written demand gives a debtor in default, Input.DemandDays: the
// DOSSIER_DEMAND_DAYS by which recovery accelerates an installment plan) or
// "=VALUE" (a literal default).
// TEXT holds placeholders {field}; a money field also offers {field_cn}
// (capital numerals) and an int field {field_s}, "s" unless the value is 1,
// for English plurals: {deadline_days} day{deadline_days_s}. Every template also has {today} and the words of the
// currency its amounts are in (the case's, or the request's field
// "currency"): {currency_sign} (¥, or "USD "), {currency_cn} (人民币, 美元)
// and {currency_en} (RMB, USD), so write ¥{total}（人民币{total_cn}） as
// {currency_sign}{total}（{currency_cn}{total_cn}）. A directive written with a trailing "?" (para? …) is
// left out when any placeholder in it is empty. A sum is checked after the
// fields resolve (an empty optional PART counts as zero): a TOTAL the request
// does not give, while it gives a PART, is computed from the PARTs instead.
// Every error names file:line.

// Field is one value a template needs.
type Field struct {
	Name     string
	Type     string // text, money, date, int, licence, party
	Min, Max int    // for int
	Required bool
	Source   string
	LabelZH  string
	LabelEN  string
}

// Block is one directive of the body.
type Block struct {
	Kind     string   // letterhead, heading, section, label, para, line, right, space, table, sign, keep, end
	Args     []string // text(s) with placeholders; for table: [kind, headers…]
	Optional bool
	Line     int
	When     []Cond // all must hold; none: always
}

// Cond shows a block only when field Field has value Value (or, with Not,
// any other value).
type Cond struct {
	Field, Value string
	Not          bool
}

// holds reports whether the condition holds for the resolved values.
func (c Cond) holds(vals map[string]string) bool {
	return (vals[c.Field] == c.Value) != c.Not
}

// holdAll reports whether every condition of when holds.
func holdAll(when []Cond, vals map[string]string) bool {
	for _, c := range when {
		if !c.holds(vals) {
			return false
		}
	}
	return true
}

// Sum requires money field Total to equal the sum of the money fields Parts,
// so that the amounts a document states add up (claim = principal + interest).
type Sum struct {
	Total string
	Parts []string
}

// Template is a parsed template file.
type Template struct {
	ID, Lang, File string
	Title, Footer  string
	Fields         []Field
	Blocks         []Block
	Sums           []Sum
}

var (
	nameRE        = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	placeholderRE = regexp.MustCompile(`\{([a-z][a-z0-9_]*)\}`)
	condRE        = regexp.MustCompile(`^\[([a-z][a-z0-9_]*)(!?=)([^\]]*)\]\s*`)
	intRangeRE    = regexp.MustCompile(`^int (\d+)\.\.(\d+)$`)
)

// blockKinds are the body directives.
var blockKinds = map[string]bool{"letterhead": true, "heading": true, "section": true, "label": true, "para": true,
	"line": true, "right": true, "space": true, "table": true, "sign": true}

// builtins are placeholders every template may use without declaring them.
var builtins = map[string]bool{"today": true, "currency_sign": true, "currency_cn": true, "currency_en": true}

// tableFields are the fields each computed table reads.
var tableFields = map[string][]string{
	"schedule": {"debt_total", "installments", "first_due_date"},
	"evidence": nil,
}

// ParseTemplate reads a template; id and lang come from the file name.
func ParseTemplate(file, id, lang string, r io.Reader) (*Template, error) {
	t := &Template{ID: id, Lang: lang, File: file}
	fields := map[string]*Field{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", file, n, fmt.Sprintf(format, args...))
	}
	keepLine := 0 // the line of an open keep
	for sc.Scan() {
		n++
		raw := strings.TrimSpace(sc.Text())
		if raw == "" || strings.HasPrefix(raw, "#") {
			continue
		}
		var when []Cond
		for strings.HasPrefix(raw, "[") {
			m := condRE.FindStringSubmatch(raw)
			if m == nil {
				return nil, fail("a condition is written [name=value] or [name!=value]")
			}
			if fields[m[1]] == nil {
				return nil, fail("condition on %q, which is not a field declared before it", m[1])
			}
			when = append(when, Cond{Field: m[1], Value: strings.TrimSpace(m[3]), Not: m[2] == "!="})
			raw = raw[len(m[0]):]
		}
		kw, rest, _ := strings.Cut(raw, " ")
		rest = strings.TrimSpace(rest)
		optional := strings.HasSuffix(kw, "?")
		kw = strings.TrimSuffix(kw, "?")
		switch kw {
		case "title":
			t.Title = rest
		case "footer":
			if !strings.Contains(rest, "{current}") || !strings.Contains(rest, "{total}") {
				return nil, fail("footer must contain {current} and {total}")
			}
			t.Footer = rest
		case "field":
			f, err := parseField(rest)
			if err != nil {
				return nil, fail("%v", err)
			}
			if fields[f.Name] != nil || builtins[f.Name] {
				return nil, fail("field %q declared twice", f.Name)
			}
			t.Fields = append(t.Fields, f)
			fields[f.Name] = &t.Fields[len(t.Fields)-1]
		case "sum":
			sm, err := parseSum(rest, fields)
			if err != nil {
				return nil, fail("%v", err)
			}
			t.Sums = append(t.Sums, sm)
		case "keep", "end":
			switch {
			case rest != "" || optional:
				return nil, fail("%s takes no text", kw)
			case len(when) > 0:
				return nil, fail("%s takes no condition", kw)
			case kw == "keep" && keepLine > 0:
				return nil, fail("keep inside the keep of line %d (close it with end)", keepLine)
			case kw == "end" && keepLine == 0:
				return nil, fail("end without keep")
			}
			keepLine = n
			if kw == "end" {
				keepLine = 0
			}
			t.Blocks = append(t.Blocks, Block{Kind: kw, Line: n})
		case "letterhead", "heading", "section", "label", "para", "line", "right", "space", "table", "sign":
			b := Block{Kind: kw, Optional: optional, Line: n, When: when}
			if rest != "" {
				for _, a := range strings.Split(rest, "|") {
					b.Args = append(b.Args, strings.TrimSpace(a))
				}
			}
			switch {
			case kw == "space" && len(b.Args) != 0:
				return nil, fail("space takes no text")
			case kw != "space" && len(b.Args) == 0:
				return nil, fail("%s needs text", kw)
			case kw == "table":
				need, ok := tableFields[b.Args[0]]
				if !ok {
					return nil, fail("unknown table %q (schedule or evidence)", b.Args[0])
				}
				if len(b.Args) < 2 {
					return nil, fail("table %s needs column headers", b.Args[0])
				}
				for _, name := range need {
					if fields[name] == nil {
						return nil, fail("table %s needs field %q declared before it", b.Args[0], name)
					}
				}
			}
			for _, a := range b.Args {
				for _, m := range placeholderRE.FindAllStringSubmatch(a, -1) {
					name := m[1]
					base := strings.TrimSuffix(name, "_cn")
					if builtins[name] || fields[name] != nil {
						continue
					}
					if f := fields[base]; f != nil && f.Type == "money" && base != name {
						continue
					}
					if f := fields[strings.TrimSuffix(name, pluralSuffix)]; f != nil && f.Type == "int" && strings.HasSuffix(name, pluralSuffix) {
						continue
					}
					return nil, fail("placeholder {%s} is not a declared field", name)
				}
			}
			t.Blocks = append(t.Blocks, b)
		default:
			return nil, fail("unknown directive %q", kw)
		}
		if len(when) > 0 && !blockKinds[kw] {
			return nil, fail("only body directives take a condition, not %q", kw)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if keepLine > 0 {
		return nil, fmt.Errorf("%s:%d: keep without end", file, keepLine)
	}
	if t.Title == "" || t.Footer == "" {
		return nil, fmt.Errorf("%s:%d: title and footer are required", file, n)
	}
	if len(t.Blocks) == 0 {
		return nil, fmt.Errorf("%s:%d: template has no body", file, n)
	}
	return t, nil
}

func parseField(s string) (Field, error) {
	parts := strings.Split(s, "|")
	if len(parts) != 6 {
		return Field{}, fmt.Errorf("field needs 6 parts: name | type | required|optional | source | 中文标签 | English label")
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	f := Field{Name: parts[0], Type: parts[1], Source: parts[3], LabelZH: parts[4], LabelEN: parts[5]}
	if !nameRE.MatchString(f.Name) {
		return f, fmt.Errorf("bad field name %q", f.Name)
	}
	if m := intRangeRE.FindStringSubmatch(f.Type); m != nil {
		f.Type = "int"
		f.Min, _ = strconv.Atoi(m[1])
		f.Max, _ = strconv.Atoi(m[2])
		if f.Min > f.Max {
			return f, fmt.Errorf("int range %d..%d is empty", f.Min, f.Max)
		}
	} else if f.Type == "int" {
		return f, fmt.Errorf("int needs a range: int MIN..MAX")
	}
	switch f.Type {
	case "text", "money", "date", "int", "licence", "party":
	default:
		return f, fmt.Errorf("unknown type %q (text, money, date, licence, party, int MIN..MAX)", f.Type)
	}
	switch parts[2] {
	case "required":
		f.Required = true
	case "optional":
	default:
		return f, fmt.Errorf("third part must be required or optional, not %q", parts[2])
	}
	switch {
	case f.Source == "-", f.Source == "now", f.Source == demandDaysSource, strings.HasPrefix(f.Source, "="):
	case strings.HasPrefix(f.Source, "case."):
		if !caseSources[strings.TrimPrefix(f.Source, "case.")] {
			return f, fmt.Errorf("unknown case source %q", f.Source)
		}
	default:
		return f, fmt.Errorf("source must be -, now, %s, =VALUE or case.<field>, not %q", demandDaysSource, f.Source)
	}
	if f.LabelZH == "" || f.LabelEN == "" {
		return f, fmt.Errorf("field %s needs both labels", f.Name)
	}
	return f, nil
}

func parseSum(s string, fields map[string]*Field) (Sum, error) {
	lhs, rhs, ok := strings.Cut(s, "=")
	sm := Sum{Total: strings.TrimSpace(lhs)}
	if ok {
		for _, p := range strings.Split(rhs, "+") {
			sm.Parts = append(sm.Parts, strings.TrimSpace(p))
		}
	}
	if !ok || sm.Total == "" || len(sm.Parts) < 2 {
		return sm, fmt.Errorf("sum needs TOTAL = PART + PART")
	}
	for _, name := range append([]string{sm.Total}, sm.Parts...) {
		f := fields[name]
		if f == nil || f.Type != "money" {
			return sm, fmt.Errorf("sum: %q is not a money field declared before it", name)
		}
	}
	for i, p := range sm.Parts {
		if p == sm.Total || slices.Contains(sm.Parts[:i], p) {
			return sm, fmt.Errorf("sum: %q appears twice", p)
		}
	}
	return sm, nil
}

// uses reports whether t has a table of the given kind.
func (t *Template) uses(table string) bool {
	for _, b := range t.Blocks {
		if b.Kind == "table" && b.Args[0] == table {
			return true
		}
	}
	return false
}
