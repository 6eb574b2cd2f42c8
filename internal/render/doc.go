package render

import (
	"bytes"
	"fmt"
	"math"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/line"
	"github.com/johnfercher/maroto/v2/pkg/components/page"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/border"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/pagesize"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/props"
)

// Page geometry in millimetres (A4) and the grid maroto divides a row into.
const (
	pageWidth    = 210.0
	pageHeight   = 297.0
	marginLeft   = 25.0
	marginRight  = 20.0
	marginTop    = 20.0
	marginBottom = 20.0
	grid         = 100
	textWidth    = pageWidth - marginLeft - marginRight
	textHeight   = pageHeight - marginTop - marginBottom

	sizeBody    = 11.0
	sizeHeading = 12.5
	sizeTitle   = 18.0
	sizeSmall   = 9.0
	// leading is line height as a multiple of the font size.
	leading = 1.6
	ptToMM  = 25.4 / 72
)

// DocOptions describe one document.
type DocOptions struct {
	Title string
	// PagePattern is the footer, with {current} and {total}: "第 {current} 页 共 {total} 页".
	PagePattern string
	// Created is the creation date written into the PDF; fixing it makes the
	// output byte-identical for the same content.
	Created time.Time
}

// Doc accumulates the blocks of one document. It is not safe for concurrent
// use; make one per document. The PDF is laid out only in Bytes, once every
// character the document uses is known (see Font.viewFor).
type Doc struct {
	font *Font
	opts DocOptions
	// rows are laid out in order; heights[i] is the height of rows[i].
	rows    []core.Row
	heights []float64
	runes   map[rune]struct{}
	// keep holds heading lines until the next line of text arrives, so that
	// both land in one row and a heading never ends a page on its own.
	keep []textLine
	// run holds consecutive right-aligned lines (a signature block: seal,
	// representative, date), laid out as one row so a page never splits
	// them.
	run []textLine
	// groups maps the first row of a block kept on one page (Keep) to the
	// row past its last; open is that first row while a block is open, or
	// -1.
	groups map[int]int
	open   int
}

type textLine struct {
	s    string
	size float64
	a    align.Type
}

// NewDoc starts an A4 document set in the font f.
func (f *Font) NewDoc(o DocOptions) *Doc {
	d := &Doc{font: f, opts: o, runes: map[rune]struct{}{}, groups: map[int]int{}, open: -1}
	d.use(o.PagePattern + "0123456789")
	return d
}

func (d *Doc) use(s string) {
	for _, r := range s {
		d.runes[r] = struct{}{}
	}
}

// flush lays out the lines held back: kept heading lines, then a run of
// right-aligned lines, as one row.
func (d *Doc) flush() {
	if ls := append(d.keep, d.run...); len(ls) > 0 {
		d.keep, d.run = nil, nil
		d.push(d.linesRow(ls))
	}
}

// add lays out what was held back, then row r of height h.
func (d *Doc) add(r core.Row, h float64) {
	d.flush()
	d.push(r, h)
}

func (d *Doc) push(r core.Row, h float64) {
	d.rows = append(d.rows, r)
	d.heights = append(d.heights, h)
}

// addLine adds one line of text as a row, joined with any kept heading.
func (d *Doc) addLine(s string, size float64, a align.Type) {
	if len(d.run) > 0 {
		d.flush()
	}
	ls := append(d.keep, textLine{s, size, a})
	d.keep = nil
	d.add(d.linesRow(ls))
}

// linesRow stacks lines in one row: maroto breaks pages only between rows.
// It returns the row and its height.
func (d *Doc) linesRow(ls []textLine) (core.Row, float64) {
	c := col.New(grid)
	top := 0.0
	for _, l := range ls {
		d.use(l.s)
		h := lineHeight(l.size)
		c.Add(text.New(l.s, props.Text{Size: l.size, Align: l.a, Top: top + (h-l.size*ptToMM)/2}))
		top += h
	}
	return row.New(top).Add(c), top
}

// lineHeight is rounded to 1/64 mm. maroto decides where pages end by adding
// row heights, while the PDF backend breaks a page when y+h exceeds the
// limit: with heights exactly representable in binary both sums agree, and a
// page filled to the last row no longer spills a line (and the footer) onto
// an extra page.
func lineHeight(size float64) float64 { return snap(size * ptToMM * leading) }

func snap(h float64) float64 { return math.Round(h*64) / 64 }

// Space adds vertical space of h millimetres.
func (d *Doc) Space(h float64) { d.add(row.New(snap(h)), snap(h)) }

// Keep starts a block that is laid out on one page when it fits on one: if
// it would cross a page end, a new page starts before it. EndKeep closes it.
// A block taller than a page flows as usual. Blocks do not nest.
func (d *Doc) Keep() {
	d.EndKeep()
	if len(d.run) > 0 {
		d.flush() // a kept heading stays held, to join the block's first line
	}
	d.open = len(d.rows)
}

// EndKeep closes the block Keep opened, if any.
func (d *Doc) EndKeep() {
	if d.open < 0 {
		return
	}
	d.flush()
	if len(d.rows) > d.open+1 {
		d.groups[d.open] = len(d.rows)
	}
	d.open = -1
}

// Letterhead writes a centred name with a smaller line under it and a rule.
func (d *Doc) Letterhead(name, sub string) {
	for _, l := range d.font.Wrap(name, textWidth, 16, 0) {
		d.addLine(l, 16, align.Center)
	}
	if sub != "" {
		for _, l := range d.font.Wrap(sub, textWidth, sizeSmall, 0) {
			d.addLine(l, sizeSmall, align.Center)
		}
	}
	d.add(row.New(3).Add(col.New(grid).Add(line.New(props.Line{Thickness: 0.6, OffsetPercent: 100}))), 3)
	d.Space(4)
}

// Title writes the centred document title.
func (d *Doc) Title(s string) {
	d.Space(2)
	for _, l := range d.font.Wrap(s, textWidth, sizeTitle, 0) {
		d.addLine(l, sizeTitle, align.Center)
	}
	d.Space(4)
}

// Heading writes a section heading ("一、请求事项").
func (d *Doc) Heading(s string) {
	d.Space(2) // also lays out a run of right-aligned lines before it
	for _, l := range d.font.Wrap(s, textWidth, sizeHeading, 0) {
		d.keep = append(d.keep, textLine{l, sizeHeading, align.Left})
	}
}

// Para writes a wrapped paragraph; indent (e.g. two ideographic spaces for
// Chinese) is prefixed to the first line.
func (d *Doc) Para(s, indent string) {
	for _, l := range d.font.Wrap(indent+s, textWidth, sizeBody, 0) {
		d.addLine(l, sizeBody, align.Left)
	}
	d.Space(1)
}

// Right writes lines aligned right (date, signature lines). Consecutive
// calls make one row, so a signature block stays on one page.
func (d *Doc) Right(s string) {
	for _, l := range d.font.Wrap(s, textWidth, sizeBody, 0) {
		d.run = append(d.run, textLine{l, sizeBody, align.Right})
	}
}

// Column is a table column: its header and its share of the width in percent.
type Column struct {
	Header string
	Width  int
	Right  bool // right-align (amounts)
}

// Table writes a bordered table with a header row; cells wrap.
func (d *Doc) Table(cols []Column, rows [][]string) {
	d.tableRow(cols, headerCells(cols), true)
	for _, r := range rows {
		d.tableRow(cols, r, false)
	}
	d.Space(2)
}

func headerCells(cols []Column) []string {
	h := make([]string, len(cols))
	for i, c := range cols {
		h[i] = c.Header
	}
	return h
}

func (d *Doc) tableRow(cols []Column, cells []string, header bool) {
	const pad = 1.5
	size := sizeBody - 1
	lh := lineHeight(size)
	wrapped := make([][]string, len(cols))
	n := 1
	for i, c := range cols {
		w := textWidth*float64(c.Width)/grid - 2*pad
		if i < len(cells) {
			wrapped[i] = d.font.Wrap(cells[i], w, size, 0)
		}
		n = max(n, len(wrapped[i]))
	}
	style := &props.Cell{BorderType: border.Full, BorderThickness: 0.2}
	if header {
		style.BackgroundColor = &props.Color{Red: 235, Green: 235, Blue: 235}
	}
	h := snap(float64(n)*lh + 2*pad)
	r := row.New(h)
	for i, c := range cols {
		a := align.Left
		if header {
			a = align.Center
		} else if c.Right {
			a = align.Right
		}
		cl := col.New(c.Width).WithStyle(style)
		for j, l := range wrapped[i] {
			d.use(l)
			cl.Add(text.New(l, props.Text{Size: size, Align: a, Top: pad + float64(j)*lh + (lh-size*ptToMM)/2,
				Left: pad, Right: pad}))
		}
		r.Add(cl)
	}
	d.add(r, h)
}

// Signatures writes signature and seal blocks side by side, one per party;
// each block is a list of lines (label, seal mark, date line).
func (d *Doc) Signatures(blocks ...[]string) {
	d.Space(8)
	w := grid / len(blocks)
	// Wrap each line to its column, so a long company name stays inside it.
	wrapped := make([][]string, len(blocks))
	n := 0
	for i, b := range blocks {
		for _, s := range b {
			wrapped[i] = append(wrapped[i], d.font.Wrap(s, textWidth*float64(w)/grid-2, sizeBody, 0)...)
		}
		n = max(n, len(wrapped[i]))
	}
	if n == 0 {
		return
	}
	// One row for all the lines, so a page never splits the blocks.
	lh := snap(lineHeight(sizeBody) * 1.5)
	r := row.New(float64(n) * lh)
	for _, b := range wrapped {
		c := col.New(w)
		for i, s := range b {
			d.use(s)
			c.Add(text.New(s, props.Text{Size: sizeBody, Top: float64(i)*lh + (lh-sizeBody*ptToMM)/2}))
		}
		r.Add(c)
	}
	d.add(r, float64(n)*lh)
}

// Bytes renders the PDF and returns it with its page count.
func (d *Doc) Bytes() ([]byte, int, error) {
	o := d.opts
	d.EndKeep()
	d.flush() // a kept heading, a run of right-aligned lines
	ttf, release := d.font.viewFor(d.runes)
	defer release()
	cfg := config.NewBuilder().
		WithPageSize(pagesize.A4).
		WithLeftMargin(marginLeft).WithRightMargin(marginRight).
		WithTopMargin(marginTop).WithBottomMargin(marginBottom).
		WithMaxGridSize(grid).
		WithCustomFonts([]*entity.CustomFont{{Family: FontFamily, Style: fontstyle.Normal, Bytes: ttf}}).
		WithDefaultFont(&props.Font{Family: FontFamily, Style: fontstyle.Normal, Size: sizeBody}).
		WithPageNumber(props.PageNumber{Pattern: o.PagePattern, Place: props.Bottom, Size: sizeSmall}).
		WithCompression(true).
		WithTitle(o.Title, true).
		WithCreator("Dossier", false).
		WithCreationDate(o.Created.UTC()).
		Build()
	m := maroto.New(cfg)
	for i := 0; i < len(d.rows); i++ {
		if end, ok := d.groups[i]; ok {
			h := 0.0
			for _, x := range d.heights[i:end] {
				h += x
			}
			// maroto counts what the page holds; start the block on a new
			// page when it would cross the end of this one but fits on one.
			if h <= textHeight && !m.FitlnCurrentPage(h) {
				m.AddPages(page.New())
			}
		}
		m.AddRows(d.rows[i])
	}
	out, err := m.Generate()
	if err != nil {
		return nil, 0, fmt.Errorf("render: generate: %w", err)
	}
	pdf := fixModDate(out.GetBytes(), d.opts.Created.UTC())
	pages := bytes.Count(pdf, []byte("/Type /Page\n"))
	return pdf, pages, nil
}

// fixModDate replaces the modification date the PDF backend stamps with the
// wall clock (maroto sets only the creation date) by the creation date. Both
// have the same length, so the xref offsets stay valid.
func fixModDate(pdf []byte, created time.Time) []byte {
	key := []byte("/ModDate (D:")
	i := bytes.Index(pdf, key)
	if i < 0 {
		return pdf
	}
	stamp := created.Format("20060102150405")
	copy(pdf[i+len(key):], stamp)
	return pdf
}
