package document

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/render"
)

// caseSources are the case values a field may default from (SOURCE case.<path>).
// The amounts principal, interest and total are what is still owed after the
// payments ledger (dossier.CaseBalance); paid is the ledger's net sum.
var caseSources = map[string]bool{
	"number": true, "title": true, "principal": true, "interest": true, "total": true, "paid": true, "currency": true,
	"contract_no": true, "due_date": true, "days_overdue": true,
	"creditor.name": true, "creditor.kind": true, "creditor.id_number": true, "creditor.address": true,
	"creditor.representative": true, "creditor.phone": true,
	"debtor.name": true, "debtor.kind": true, "debtor.id_number": true, "debtor.address": true,
	"debtor.representative": true, "debtor.phone": true,
}

// owedSources are the case sources that are amounts still owed.
var owedSources = map[string]bool{"case.principal": true, "case.interest": true, "case.total": true}

func caseValue(c *dossier.Case, bal dossier.Balance, path string, today dossier.Date) string {
	if c == nil {
		return ""
	}
	party := func(p *dossier.Party, k string) string {
		switch k {
		case "name":
			return p.Name
		case "kind":
			return string(cmp.Or(p.Kind, dossier.PartyCompany))
		case "id_number":
			return p.IDNumber
		case "address":
			return p.Address
		case "representative":
			return p.Representative
		case "phone":
			return p.Phone
		}
		return ""
	}
	money := func(m dossier.Money) string {
		if m <= 0 {
			return ""
		}
		return m.String()
	}
	if k, ok := strings.CutPrefix(path, "creditor."); ok {
		return party(&c.Creditor, k)
	}
	if k, ok := strings.CutPrefix(path, "debtor."); ok {
		return party(&c.Debtor, k)
	}
	switch path {
	case "number":
		return c.Number
	case "title":
		return c.Title
	case "principal":
		return money(bal.Principal)
	case "interest":
		return money(bal.Interest)
	case "total":
		return money(bal.Total())
	case "paid":
		return money(bal.Paid)
	case "currency":
		return c.Currency
	case "contract_no":
		return c.ContractNo
	case "due_date":
		return c.DueDate.String()
	case "days_overdue":
		if c.DueDate.IsZero() {
			return ""
		}
		return strconv.Itoa(max(0, c.DueDate.DaysUntil(today)))
	}
	return ""
}

var licenceRE = regexp.MustCompile(`^[0-9]{17}$`)

// resolve fills every field of t from the request, then the case, then the
// default, and validates each. It returns the canonical values (what a
// Document record keeps) or EINVALID listing every bad field by its request
// name, including names the template does not know.
// has reports whether the document font can print a character; values with
// characters it lacks are refused rather than printed as empty boxes.
func resolve(t *Template, in Input, has func(rune) bool) (map[string]string, error) {
	var bad dossier.Fields
	today := documentDate(in.Now, in.Location)
	bal := balance(in)
	known := map[string]bool{}
	given := map[string]bool{}
	raw := map[string]string{}
	for _, f := range t.Fields {
		known[f.Name] = true
		raw[f.Name] = strings.TrimSpace(in.Fields[f.Name])
		if raw[f.Name] != "" {
			given[f.Name] = true
		} else {
			raw[f.Name] = defaultValue(f, in, bal, today)
		}
	}
	// Days overdue the request leaves out are counted from the due date the
	// document prints: when the request gives another due date than the
	// case's, the case's count would contradict it.
	if due, err := dossier.ParseDate(raw["due_date"]); err == nil && given["due_date"] {
		for _, f := range t.Fields {
			if f.Source == "case.days_overdue" && !given[f.Name] {
				raw[f.Name] = strconv.Itoa(max(0, due.DaysUntil(today)))
			}
		}
	}
	// A total the request leaves out while it gives one of the parts follows
	// the parts, rather than the ledger, so that the amounts still add up.
	for _, sm := range t.Sums {
		if given[sm.Total] || !slices.ContainsFunc(sm.Parts, func(p string) bool { return given[p] }) {
			continue
		}
		if sum, ok := sumOf(raw, sm.Parts); ok && sum > 0 {
			raw[sm.Total] = sum.String()
		}
	}
	out := map[string]string{}
	failed := map[string]bool{}
	for _, f := range t.Fields {
		v := raw[f.Name]
		if v == "" {
			switch {
			case !f.Required:
			case !strings.HasPrefix(f.Source, "case."):
				bad.Add(f.Name, "is required")
			case owedSources[f.Source] && in.Case != nil && bal.Paid > 0 && bal.Total() == 0:
				bad.Add(f.Name, "is required (the payments ledger shows nothing is owed)")
			default:
				bad.Add(f.Name, "is required (the case has no value for it)")
			}
			failed[f.Name] = f.Required
			continue
		}
		canon, err := check(f, v)
		if err != nil {
			bad.Add(f.Name, "%v", err)
			failed[f.Name] = true
			continue
		}
		if missing := unprintable(v, has); missing != "" {
			bad.Add(f.Name, "contains characters the document font cannot print: %s", missing)
			failed[f.Name] = true
			continue
		}
		out[f.Name] = canon
	}
	for _, sm := range t.Sums {
		if out[sm.Total] == "" || failed[sm.Total] || slices.ContainsFunc(sm.Parts, func(p string) bool { return failed[p] }) {
			continue
		}
		total, _ := dossier.ParseMoney(out[sm.Total])
		if sum, _ := sumOf(out, sm.Parts); sum != total {
			var terms []string
			for _, p := range sm.Parts {
				m, _ := dossier.ParseMoney(cmp.Or(out[p], "0"))
				terms = append(terms, m.Grouped())
			}
			bad.Add(sm.Total, "must equal %s (%s = %s)", strings.Join(sm.Parts, " + "),
				strings.Join(terms, " + "), sum.Grouped())
		}
	}
	// A demand is for a debt overdue on the document's date: 0 days, or a
	// count typed in while the due date printed has not passed yet, would
	// print a breach that has not happened.
	due, dueErr := dossier.ParseDate(out["due_date"])
	for _, f := range t.Fields {
		switch {
		case f.Source != "case.days_overdue" || out[f.Name] == "":
		case out[f.Name] == "0":
			bad.Add(f.Name, "is 0: the debt is not overdue on the document's date (due %s); a demand can be made from the day after the due date",
				cmp.Or(out["due_date"], "not given"))
		case dueErr == nil && !due.Before(today.Time):
			bad.Add(f.Name, "is %s, but the debt is not overdue on the document's date (due %s); a demand can be made from the day after the due date",
				out[f.Name], out["due_date"])
		}
	}
	paymentOrder(t, out, today, &bad)
	if _, declared := known[currencyField]; !declared {
		known[currencyField] = true
		if code, err := currencyOf(in); err != nil {
			bad.Add(currencyField, "%v", err)
		} else {
			out[currencyField] = code
		}
	}
	// Yen, won and the like have no minor unit: a document cannot demand
	// 伍角 of them (Money counts hundredths).
	if cur := out[currencyField]; WholeCurrency(cur) {
		for _, f := range t.Fields {
			if m, err := dossier.ParseMoney(out[f.Name]); f.Type == "money" && err == nil && m%100 != 0 {
				bad.Add(f.Name, "must be a whole amount: %s has no minor unit", cur)
			}
		}
	}
	if t.uses("schedule") && out["debt_total"] != "" && out["installments"] != "" && out["first_due_date"] != "" {
		total, _ := dossier.ParseMoney(out["debt_total"])
		n, _ := strconv.Atoi(out["installments"])
		first, _ := dossier.ParseDate(out["first_due_date"])
		if _, err := ScheduleIn(total, n, first, out[currencyField]); err != nil {
			bad.Add("installments", "cannot split %s into %d installments of at least 0.01", total.Grouped(), n)
		}
		// Installments fall due after the debt they repay is acknowledged;
		// a plan made from the agreement refuses an earlier first date too.
		// Nor before the day the agreement is drawn up: it is signed on or
		// after it, and a plan made from it is agreed on it.
		if asOf, err := dossier.ParseDate(out["as_of"]); err == nil && first.Before(asOf.Time) {
			bad.Add("first_due_date", "must not be before the date the debt is acknowledged (as_of %s)", asOf)
		} else if first.Before(today.Time) {
			bad.Add("first_due_date", "must not be before the agreement's date %s", today)
		}
	}
	// What is owed is acknowledged, and interest counted, as of a day that
	// has come: a later one states a debt or interest not yet accrued,
	// which a court refuses and a debtor would not sign. A contract is
	// stated as signed, so its date has come too.
	for _, name := range asOfFields {
		if d, err := dossier.ParseDate(out[name]); err == nil && d.After(today.Time) {
			bad.Add(name, "must not be in the future")
		}
	}
	// Interest for late payment runs from the day after the due date: a
	// date it is calculated to on or before the due date claims interest
	// for days the debt was not yet late. A date left to default (today)
	// with a due date not yet passed is the due date's error alone.
	flagged := func(name string) bool {
		return slices.ContainsFunc(bad, func(e dossier.FieldError) bool { return e.Field == name })
	}
	if to, err := dossier.ParseDate(out["interest_to"]); err == nil && dueErr == nil && !to.After(due.Time) &&
		!flagged("interest_to") && (given["interest_to"] || !flagged("due_date")) {
		bad.Add("interest_to", "must be after the due date %s: interest for late payment runs from the day after it", due)
	}
	guarantor(t, given, out, &bad)
	if t.uses("evidence") {
		known[evidenceList] = true
		if list, err := evidenceRows(in); err != nil {
			bad.Add(evidenceList, "%v", err)
		} else {
			out[evidenceList] = list
		}
	}
	for name := range in.Fields {
		if !known[name] {
			bad.Add(name, "is not a field of template %s", t.ID)
		}
	}
	if err := bad.Err(); err != nil {
		sortFields(err.(*dossier.Error).Fields)
		return nil, err
	}
	return out, nil
}

// asOfFields are the dates amounts are stated as of: the debt acknowledged
// (as_of), interest calculated to (interest_to); and the day the contract
// was signed (contract_date), a fact the document states as past.
var asOfFields = []string{"as_of", "interest_to", "contract_date"}

// guarantorName is the field that names a template's optional guarantor
// (丙方); its particulars and the guarantee's terms are the fields whose
// names begin "guarant".
const guarantorName = "guarantor_name"

// guarantorNeeds are the particulars a named guarantor must have: a party to
// the agreement who signs it, is pursued on it and is served at its address
// (送达地址确认) has to be identified and found.
var guarantorNeeds = []string{"guarantor_id", "guarantor_address"}

// guarantor checks a template's optional guarantor: a guarantor named needs
// guarantorNeeds; particulars given without a name would be left out of the
// document silently, so the name is then required.
func guarantor(t *Template, given map[string]bool, out map[string]string, bad *dossier.Fields) {
	if !slices.ContainsFunc(t.Fields, func(f Field) bool { return f.Name == guarantorName }) {
		return
	}
	if out[guarantorName] != "" {
		for _, n := range guarantorNeeds {
			if out[n] == "" && !slices.ContainsFunc(*bad, func(e dossier.FieldError) bool { return e.Field == n }) {
				bad.Add(n, "is required")
			}
		}
		return
	}
	for _, f := range t.Fields {
		// A document record keeps the guarantee's defaults even without a
		// guarantor, and re-renders from them.
		dflt, hasDefault := strings.CutPrefix(f.Source, "=")
		if hasDefault && out[f.Name] == dflt {
			continue
		}
		if f.Name != guarantorName && strings.HasPrefix(f.Name, "guarant") && given[f.Name] &&
			!slices.ContainsFunc(*bad, func(e dossier.FieldError) bool { return e.Field == guarantorName }) {
			bad.Add(guarantorName, "is required")
		}
	}
}

// balance is what the case's debtor still owes after in.Payments.
func balance(in Input) dossier.Balance {
	if in.Case == nil {
		return dossier.Balance{}
	}
	return dossier.CaseBalance(in.Case, in.Payments)
}

// demandDaysSource is the SOURCE of a field that takes Input.DemandDays.
const demandDaysSource = "setting.demand_days"

// defaultValue is what field f takes when the request leaves it empty: from
// the case (amounts as still owed), today, the demand period the recovery
// accelerates plans by, or the template's constant.
func defaultValue(f Field, in Input, bal dossier.Balance, today dossier.Date) string {
	switch {
	case strings.HasPrefix(f.Source, "case."):
		return caseValue(in.Case, bal, strings.TrimPrefix(f.Source, "case."), today)
	case f.Source == "now":
		return today.String()
	case f.Source == demandDaysSource:
		return strconv.Itoa(in.DemandDays)
	case strings.HasPrefix(f.Source, "="):
		return strings.TrimPrefix(f.Source, "=")
	}
	return ""
}

// sumOf adds the money values of names in vals, an empty one as zero; ok is
// false when one does not parse.
func sumOf(vals map[string]string, names []string) (sum dossier.Money, ok bool) {
	for _, n := range names {
		if vals[n] == "" {
			continue
		}
		m, err := dossier.ParseMoney(vals[n])
		if err != nil {
			return 0, false
		}
		sum += m
	}
	return sum, true
}

// check validates one value and returns its canonical form.
func check(f Field, v string) (string, error) {
	switch f.Type {
	case "money":
		m, err := dossier.ParseMoney(v)
		if err != nil {
			return "", err
		}
		if m <= 0 || m > dossier.MaxMoney {
			return "", fmt.Errorf("must be between 0.01 and 999999999999.99")
		}
		return m.String(), nil
	case "date":
		d, err := dossier.ParseDate(v)
		if err != nil {
			return "", err
		}
		if d.Year() < 1990 || d.Year() > 2200 {
			return "", fmt.Errorf("is out of range")
		}
		return d.String(), nil
	case "int":
		n, err := strconv.Atoi(v)
		if err != nil || n < f.Min || n > f.Max {
			return "", fmt.Errorf("must be a whole number from %d to %d", f.Min, f.Max)
		}
		return strconv.Itoa(n), nil
	case "licence":
		if !licenceRE.MatchString(v) {
			return "", fmt.Errorf("must be the 17-digit practising licence number")
		}
		return v, nil
	case "party":
		switch v {
		case "company", "单位", "公司":
			return string(dossier.PartyCompany), nil
		case "person", "自然人", "个人":
			return string(dossier.PartyPerson), nil
		}
		return "", fmt.Errorf("must be company or person")
	}
	if utf8.RuneCountInString(v) > 2000 {
		return "", fmt.Errorf("must be at most 2000 characters")
	}
	for _, r := range v {
		if unicode.IsControl(r) && r != '\n' {
			return "", fmt.Errorf("must not contain control characters")
		}
	}
	return v, nil
}

// sortFields orders field errors by name, in O(n log n) comparisons: it was
// an insertion sort, and a request naming 20,000 unknown fields cost
// seconds of CPU before its 422.
func sortFields(fs []dossier.FieldError) {
	slices.SortStableFunc(fs, compareFields)
}

// compareFields is sortFields' order, a variable so a test can count calls.
var compareFields = func(a, b dossier.FieldError) int { return strings.Compare(a.Field, b.Field) }

// display turns canonical values into what the text shows, in lang: money
// grouped ("386,500.00") plus {name_cn} in capital numerals, dates as
// 2026年7月20日 or 20 July 2026.
func display(t *Template, vals map[string]string, today dossier.Date) map[string]string {
	out := map[string]string{"today": formatDate(today, t.Lang)}
	out["currency_sign"], out["currency_cn"], out["currency_en"] = currencyWords(vals[currencyField])
	for _, f := range t.Fields {
		v, ok := vals[f.Name]
		if !ok {
			out[f.Name] = ""
			continue
		}
		switch f.Type {
		case "money":
			m, _ := dossier.ParseMoney(v)
			out[f.Name] = m.Grouped()
			out[f.Name+"_cn"] = render.MustChineseAmount(m)
		case "date":
			d, _ := dossier.ParseDate(v)
			out[f.Name] = formatDate(d, t.Lang)
		case "int":
			out[f.Name] = v
			out[f.Name+pluralSuffix] = "s"
			if v == "1" {
				out[f.Name+pluralSuffix] = ""
			}
		default:
			out[f.Name] = v
		}
	}
	return out
}

// currencyField records the currency a document states its amounts in: the
// case's (ISO 4217), or the request's. Every template has it without
// declaring it, and its words are the placeholders {currency_sign} (¥ for
// CNY, else the code: "USD "), {currency_cn} (人民币, 美元 …, before capital
// numerals) and {currency_en} (RMB, USD …).
const currencyField = "currency"

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

// currencyOf is the currency a document is written in: the request's, else
// the case's, else CNY.
func currencyOf(in Input) (string, error) {
	code := strings.ToUpper(strings.TrimSpace(in.Fields[currencyField]))
	if code == "" && in.Case != nil {
		code = in.Case.Currency
	}
	if code == "" {
		code = "CNY"
	}
	if !currencyRE.MatchString(code) {
		return "", fmt.Errorf("must be an ISO 4217 code such as CNY")
	}
	return code, nil
}

// currencyNames are the Chinese names of common currencies; others are
// written by their code.
var currencyNames = map[string]string{"CNY": "人民币", "USD": "美元", "EUR": "欧元", "HKD": "港币", "MOP": "澳门元",
	"TWD": "新台币", "JPY": "日元", "GBP": "英镑", "CHF": "瑞士法郎", "AUD": "澳大利亚元", "CAD": "加拿大元", "SGD": "新加坡元",
	"KRW": "韩元"}

// WholeCurrency reports whether the ISO 4217 currency code has no minor
// unit (JPY, KRW …): its amounts are whole, and so are its installments.
func WholeCurrency(code string) bool { return wholeCurrencies[code] }

var wholeCurrencies = map[string]bool{"BIF": true, "CLP": true, "DJF": true, "GNF": true, "ISK": true, "JPY": true,
	"KMF": true, "KRW": true, "PYG": true, "RWF": true, "UGX": true, "UYI": true, "VND": true, "VUV": true,
	"XAF": true, "XOF": true, "XPF": true}

// currencyWords are the sign, Chinese name and English name of code.
func currencyWords(code string) (sign, zh, en string) {
	if code == "" || code == "CNY" {
		return "¥", "人民币", "RMB"
	}
	zh = currencyNames[code]
	if zh == "" {
		zh = code
	}
	return code + " ", zh, code
}

func formatDate(d dossier.Date, lang string) string {
	if lang == "zh-CN" {
		return d.Chinese()
	}
	return fmt.Sprintf("%d %s %d", d.Day(), d.Month(), d.Year())
}

// pluralSuffix makes an int field's English plural ending: {days_s} is "s"
// unless {days} is 1 ("1 day", "7 days").
const pluralSuffix = "_s"

// fill replaces placeholders; ok is false when one of them is empty (a
// plural ending that is empty because its number is 1 is not).
func fill(s string, vals map[string]string) (string, bool) {
	ok := true
	out := placeholderRE.ReplaceAllStringFunc(s, func(m string) string {
		name := m[1 : len(m)-1]
		v := vals[name]
		if v == "" && !(strings.HasSuffix(name, pluralSuffix) && vals[strings.TrimSuffix(name, pluralSuffix)] == "1") {
			ok = false
		}
		return v
	})
	return out, ok
}

func unprintable(v string, has func(rune) bool) string {
	var out []rune
	for _, r := range v {
		if r != '\n' && !has(r) && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return string(out)
}

// evidenceList is the field that records the evidence table as printed (a
// JSON list), so that a document record alone re-renders to the same bytes
// after the case has gained evidence. A request may give it to print a list
// other than the case's.
const evidenceList = "evidence_list"

type evidenceRow struct {
	Title string `json:"title"`
	Kind  string `json:"kind"`
	Date  string `json:"date,omitempty"` // YYYY-MM-DD
}

func evidenceRows(in Input) (string, error) {
	var rows []evidenceRow
	if v := in.Fields[evidenceList]; v != "" {
		if err := json.Unmarshal([]byte(v), &rows); err != nil {
			return "", fmt.Errorf("must be a JSON list of {\"title\", \"kind\", \"date\"}")
		}
		for i, r := range rows {
			if _, err := check(Field{Type: "text"}, r.Title+r.Kind); err != nil || r.Title == "" {
				return "", fmt.Errorf("item %d needs a title of plain text", i+1)
			}
			if r.Date != "" {
				if _, err := dossier.ParseDate(r.Date); err != nil {
					return "", fmt.Errorf("item %d: %v", i+1, err)
				}
			}
		}
	} else {
		for _, ev := range in.Evidence {
			r := evidenceRow{Title: ev.Title, Kind: string(ev.Kind)}
			if r.Title == "" {
				r.Title = ev.Filename
			}
			if ev.OccurredAt != nil {
				r.Date = documentDate(*ev.OccurredAt, in.Location).String()
			}
			rows = append(rows, r)
		}
	}
	if rows == nil {
		rows = []evidenceRow{}
	}
	b, err := json.Marshal(rows)
	return string(b), err
}

// prefill returns the value each field of a template takes when the request
// leaves it empty — from the case and in.Payments, the template's constant,
// or today — for forms to show before anything is submitted. It is the same
// rule Render applies, so a form never proposes what generation would not
// use. Service.Prefill is its one caller: it passes the ledger, without
// which the amounts would read as if nothing had been paid.
func (e *Engine) prefill(id, lang string, in Input) (map[string]string, error) {
	t, err := e.Template(id, lang)
	if err != nil {
		return nil, err
	}
	today := documentDate(in.Now, in.Location)
	bal := balance(in)
	out := map[string]string{}
	for _, f := range t.Fields {
		if v := defaultValue(f, in, bal, today); v != "" {
			out[f.Name] = v
		}
	}
	return out, nil
}
