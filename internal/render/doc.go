package render

import (
	"bytes"
	"fmt"
	"math"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/line"
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
	pageWidth   = 210.0
	marginLeft  = 25.0
	marginRight = 20.0
	grid        = 100
	textWidth   = pageWidth - marginLeft - marginRight

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
	font  *Font
	opts  DocOptions
	rows  []core.Row
	runes map[rune]struct{}
	// keep holds heading lines until the next line of text arrives, so that
	// both land in one row and a heading never ends a page on its own.
	keep []textLine
}

type textLine struct {
	s    string
	size float64
	a    align.Type
}

// NewDoc starts an A4 document set in the font f.
func (f *Font) NewDoc(o DocOptions) *Doc {
	d := &Doc{font: f, opts: o, runes: map[rune]struct{}{}}
	d.use(o.PagePattern + "0123456789")
	return d
}

func (d *Doc) use(s string) {
	for _, r := range s {
		d.runes[r] = struct{}{}
	}
}

func (d *Doc) add(rs ...core.Row) {
	if len(d.keep) > 0 {
		d.rows = append(d.rows, d.linesRow(d.keep))
		d.keep = nil
	}
	d.rows = append(d.rows, rs...)
}

// addLine adds one line of text as a row, joined with any kept heading.
func (d *Doc) addLine(s string, size float64, a align.Type) {
	ls := append(d.keep, textLine{s, size, a})
	d.keep = nil
	d.add(d.linesRow(ls))
}

// linesRow stacks lines in one row: maroto breaks pages only between rows.
func (d *Doc) linesRow(ls []textLine) core.Row {
	c := col.New(grid)
	top := 0.0
	for _, l := range ls {
		d.use(l.s)
		h := lineHeight(l.size)
		c.Add(text.New(l.s, props.Text{Size: l.size, Align: l.a, Top: top + (h-l.size*ptToMM)/2}))
		top += h
	}
	return row.New(top).Add(c)
}

// lineHeight is rounded to 1/64 mm. maroto decides where pages end by adding
// row heights, while the PDF backend breaks a page when y+h exceeds the
// limit: with heights exactly representable in binary both sums agree, and a
// page filled to the last row no longer spills a line (and the footer) onto
// an extra page.
func lineHeight(size float64) float64 { return snap(size * ptToMM * leading) }

func snap(h float64) float64 { return math.Round(h*64) / 64 }

// Space adds vertical space of h millimetres.
func (d *Doc) Space(h float64) { d.add(row.New(snap(h))) }

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
	d.add(row.New(3).Add(col.New(grid).Add(line.New(props.Line{Thickness: 0.6, OffsetPercent: 100}))))
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
	d.Space(2)
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

// Right writes lines aligned right (date, signature lines).
func (d *Doc) Right(s string) {
	for _, l := range d.font.Wrap(s, textWidth, sizeBody, 0) {
		d.addLine(l, sizeBody, align.Right)
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
	r := row.New(snap(float64(n)*lh + 2*pad))
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
	d.add(r)
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
	blocks = wrapped
	lh := snap(lineHeight(sizeBody) * 1.5)
	for i := 0; i < n; i++ {
		r := row.New(lh)
		for _, b := range blocks {
			s := ""
			if i < len(b) {
				s = b[i]
			}
			d.use(s)
			r.Add(col.New(w).Add(text.New(s, props.Text{Size: sizeBody, Top: (lh - sizeBody*ptToMM) / 2})))
		}
		d.add(r)
	}
}

// Bytes renders the PDF and returns it with its page count.
func (d *Doc) Bytes() ([]byte, int, error) {
	o := d.opts
	d.add() // flush a kept heading
	ttf, release := d.font.viewFor(d.runes)
	defer release()
	cfg := config.NewBuilder().
		WithPageSize(pagesize.A4).
		WithLeftMargin(marginLeft).WithRightMargin(marginRight).
		WithTopMargin(20).WithBottomMargin(20).
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
	m.AddRows(d.rows...)
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
