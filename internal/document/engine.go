// Package document turns case data into court documents: it loads the
// templates (embedded, or overridden from a directory), resolves and
// validates each template's fields from the request and the case, computes
// installment schedules and litigation readiness, and lays the text out as a
// PDF through package render.
package document

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/render"
	"github.com/dossier/dossier/templates"
)

// Languages a template may be written in.
var Languages = []string{"zh-CN", "en"}

// Engine holds the parsed templates and the parsed font. It is read-only
// after Load and safe for concurrent use.
type Engine struct {
	font      *render.Font
	templates map[string]*Template // by id + "." + lang
}

// Input is what one document is rendered from.
type Input struct {
	Case     *dossier.Case
	Evidence []*dossier.Evidence
	// Payments is the case's ledger: the amounts a document states by
	// default are what is still owed after it (dossier.CaseBalance).
	Payments []*dossier.Payment
	// Fields are the request's values by field name; missing ones come from
	// the case or the template's default.
	Fields map[string]string
	// Now is the creation time: its date in China is printed in the
	// document and the instant is written into the PDF; the same Now and
	// values give the same bytes.
	Now time.Time
	// Location is the business time zone (DOSSIER_TZ) whose calendar day
	// dates the document and counts the days overdue; nil means China.
	Location *time.Location
	// DemandDays is the time a written demand gives a debtor in default
	// before an installment plan's whole balance falls due
	// (DOSSIER_DEMAND_DAYS): a field of SOURCE setting.demand_days takes it,
	// so the agreement states the period recovery accelerates by.
	DemandDays int
}

// chinaTime is the zone documents are dated in when none is configured
// (China has no daylight saving), so a letter made at 01:00 in Beijing is not
// dated the day before on a server running in UTC.
var chinaTime = time.FixedZone("CST", 8*60*60)

// documentDate is t's calendar day in loc, or in China when loc is nil.
func documentDate(t time.Time, loc *time.Location) dossier.Date {
	if loc == nil {
		loc = chinaTime
	}
	return dossier.DateOf(t.In(loc))
}

// Result is a rendered document.
type Result struct {
	PDF   []byte
	Pages int
	// Fields holds every resolved value (request, case or default) in
	// canonical form, to be kept with the document record.
	Fields map[string]string
}

// FieldInfo describes a field for GET /api/v1/templates.
type FieldInfo struct {
	Name     string `json:"name"`
	Label    string `json:"label"`
	Required bool   `json:"required"`
	Type     string `json:"type"`
}

// TemplateInfo describes a template for GET /api/v1/templates.
type TemplateInfo struct {
	ID     string      `json:"id"`
	Title  string      `json:"title"`
	Lang   string      `json:"lang"`
	Fields []FieldInfo `json:"fields"`
}

var fileRE = regexp.MustCompile(`^([a-z][a-z0-9_]*)\.(zh-CN|en)\.tmpl$`)

// Load parses the embedded templates and, when dir is not empty, the
// *.tmpl files of dir, which replace embedded files of the same name or add
// new ones. Any broken template fails the load with its file and line, so a
// bad override is caught at start-up rather than at generation.
func Load(dir string) (*Engine, error) {
	font, err := render.LoadFont()
	if err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	e := &Engine{font: font, templates: map[string]*Template{}}
	if err := e.loadFS(templates.FS, "templates"); err != nil {
		return nil, err
	}
	if dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("document: templates directory: %w", err)
		}
		if err := e.loadFS(os.DirFS(dir), dir); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func (e *Engine) loadFS(fsys fs.FS, label string) error {
	names, err := fs.Glob(fsys, "*.tmpl")
	if err != nil {
		return fmt.Errorf("document: %w", err)
	}
	for _, name := range names {
		file := path.Join(label, name)
		m := fileRE.FindStringSubmatch(name)
		if m == nil {
			return fmt.Errorf("%s:1: template files are named <id>.<zh-CN|en>.tmpl", file)
		}
		f, err := fsys.Open(name)
		if err != nil {
			return fmt.Errorf("document: %w", err)
		}
		t, err := ParseTemplate(file, m[1], m[2], f)
		f.Close()
		if err != nil {
			return err
		}
		e.templates[m[1]+"."+m[2]] = t
	}
	return nil
}

// Templates lists every template, by id then language.
func (e *Engine) Templates() []TemplateInfo {
	var out []TemplateInfo
	for _, t := range e.templates {
		ti := TemplateInfo{ID: t.ID, Title: t.Title, Lang: t.Lang, Fields: []FieldInfo{}}
		for _, f := range t.Fields {
			label := f.LabelEN
			if t.Lang == "zh-CN" {
				label = f.LabelZH
			}
			typ := f.Type
			if typ == "int" {
				typ = fmt.Sprintf("int %d..%d", f.Min, f.Max)
			}
			ti.Fields = append(ti.Fields, FieldInfo{Name: f.Name, Label: label, Required: f.Required, Type: typ})
		}
		out = append(out, ti)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ID != out[j].ID {
			return out[i].ID < out[j].ID
		}
		return out[i].Lang > out[j].Lang // zh-CN before en
	})
	return out
}

// Template returns the parsed template; ENOTFOUND if there is none.
func (e *Engine) Template(id, lang string) (*Template, error) {
	t, ok := e.templates[id+"."+lang]
	if !ok {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "template %s in language %q not found", id, lang)
	}
	return t, nil
}

// Render fills template id in lang from in and lays it out as a PDF. It
// returns ENOTFOUND for an unknown template or language and EINVALID listing
// every missing or invalid field by its request name.
func (e *Engine) Render(id, lang string, in Input) (*Result, error) {
	t, err := e.Template(id, lang)
	if err != nil {
		return nil, err
	}
	if in.Now.IsZero() {
		return nil, errors.New("document: render: Input.Now is required")
	}
	vals, err := resolve(t, in, e.font.Has)
	if err != nil {
		return nil, err
	}
	today := documentDate(in.Now, in.Location)
	disp := display(t, vals, today)
	title, _ := fill(t.Title, disp)
	doc := e.font.NewDoc(render.DocOptions{Title: title, PagePattern: t.Footer, Created: in.Now})
	if err := e.layout(doc, t, vals, disp, in); err != nil {
		return nil, err
	}
	pdf, pages, err := doc.Bytes()
	if err != nil {
		return nil, fmt.Errorf("document: render %s.%s: %w", id, lang, err)
	}
	return &Result{PDF: pdf, Pages: pages, Fields: vals}, nil
}

func (e *Engine) layout(doc *render.Doc, t *Template, vals, disp map[string]string, in Input) error {
	zh := t.Lang == "zh-CN"
	indent := ""
	if zh {
		indent = "\u3000\u3000"
	}
	// The blocks shown, with their text filled: a conditional block whose
	// condition fails, or an optional one with an empty placeholder, is left
	// out, so that signature blocks side by side are the ones printed.
	type shown struct {
		Block
		args []string
	}
	var blocks []shown
	for _, b := range t.Blocks {
		if !holdAll(b.When, vals) {
			continue
		}
		args := make([]string, len(b.Args))
		complete := true
		for j, a := range b.Args {
			var ok bool
			args[j], ok = fill(a, disp)
			complete = complete && ok
		}
		if b.Optional && !complete {
			continue
		}
		blocks = append(blocks, shown{b, args})
	}
	section := 0
	var signs [][]string
	for i, sb := range blocks {
		b, args := sb.Block, sb.args
		if b.Kind == "sign" {
			signs = append(signs, args)
			if i+1 < len(blocks) && blocks[i+1].Kind == "sign" {
				continue
			}
			doc.Signatures(signs...)
			signs = nil
			continue
		}
		switch b.Kind {
		case "letterhead":
			sub := ""
			if len(args) > 1 {
				sub = strings.Join(args[1:], "  ")
			}
			doc.Letterhead(args[0], sub)
		case "heading":
			doc.Title(args[0])
		case "section":
			section++
			doc.Heading(sectionNumber(section, zh) + args[0])
		case "label":
			doc.Heading(args[0])
		case "para":
			doc.Para(args[0], indent)
		case "line":
			doc.Para(args[0], "")
		case "right":
			doc.Right(args[0])
		case "space":
			doc.Space(5)
		case "keep":
			doc.Keep()
		case "end":
			doc.EndKeep()
		case "table":
			if err := e.table(doc, b, args[1:], vals, zh); err != nil {
				return err
			}
		}
	}
	return nil
}

func (e *Engine) table(doc *render.Doc, b Block, headers []string, vals map[string]string, zh bool) error {
	switch b.Args[0] {
	case "schedule":
		total, _ := dossier.ParseMoney(vals["debt_total"])
		n, _ := strconv.Atoi(vals["installments"])
		first, _ := dossier.ParseDate(vals["first_due_date"])
		rows, err := ScheduleIn(total, n, first, vals[currencyField])
		if err != nil { // resolve has checked this already
			return fmt.Errorf("document: %w", err)
		}
		sign, _, _ := currencyWords(vals[currencyField])
		cols := columns(headers, []int{12, 30, 29, 29}, []bool{false, false, true, true})
		var cells [][]string
		for _, r := range rows {
			d := formatDate(r.DueDate, langOf(zh))
			cells = append(cells, []string{strconv.Itoa(r.N), d, sign + r.Amount.Grouped(), sign + r.Remaining.Grouped()})
		}
		doc.Table(cols, cells)
	case "evidence":
		cols := columns(headers, []int{10, 45, 20, 25}, nil)
		var rows []evidenceRow
		if err := json.Unmarshal([]byte(vals[evidenceList]), &rows); err != nil {
			return fmt.Errorf("document: evidence list: %w", err) // resolve wrote it
		}
		var cells [][]string
		for i, r := range rows {
			date := ""
			if d, err := dossier.ParseDate(r.Date); err == nil {
				date = formatDate(d, langOf(zh))
			}
			cells = append(cells, []string{strconv.Itoa(i + 1), r.Title, kindLabel(dossier.EvidenceKind(r.Kind), zh), date})
		}
		if len(cells) == 0 {
			none := "(none)"
			if zh {
				none = "（无）"
			}
			cells = append(cells, []string{"—", none, "", ""})
		}
		doc.Table(cols, cells)
	}
	return nil
}

func langOf(zh bool) string {
	if zh {
		return "zh-CN"
	}
	return "en"
}

// columns pairs headers with default widths (percent); extra headers share
// what is left and missing widths are spread evenly.
func columns(headers []string, widths []int, right []bool) []render.Column {
	cols := make([]render.Column, len(headers))
	if len(headers) != len(widths) {
		widths = make([]int, len(headers))
		for i := range widths {
			widths[i] = 100 / len(headers)
		}
	}
	for i, h := range headers {
		cols[i] = render.Column{Header: h, Width: widths[i], Right: i < len(right) && right[i]}
	}
	return cols
}

var zhNumerals = []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

func sectionNumber(n int, zh bool) string {
	if !zh {
		return strconv.Itoa(n) + ". "
	}
	switch {
	case n <= 10:
		return zhNumerals[n] + "、"
	case n < 20:
		return "十" + zhNumerals[n-10] + "、"
	case n < 100:
		return zhNumerals[n/10] + "十" + zhNumerals[n%10] + "、"
	}
	return strconv.Itoa(n) + "、"
}

var kindLabels = map[dossier.EvidenceKind][2]string{
	"contract": {"合同", "Contract"}, "invoice": {"发票", "Invoice"}, "delivery": {"送货、验收单据", "Delivery record"},
	"statement": {"对账单", "Statement of account"}, "letter": {"函件", "Letter"}, "recording": {"录音", "Recording"},
	"chat": {"聊天记录", "Chat record"}, "email": {"电子邮件", "Email"}, "photo": {"照片", "Photo"},
	"judgment": {"裁判文书", "Judgment"}, "other": {"其他", "Other"},
}

func kindLabel(k dossier.EvidenceKind, zh bool) string {
	l, ok := kindLabels[k]
	if !ok {
		return string(k)
	}
	if zh {
		return l[0]
	}
	return l[1]
}
