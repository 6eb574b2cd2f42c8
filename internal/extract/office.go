package extract

import (
	"archive/zip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
)

// spool copies r to a temporary file, for formats that need random access
// (zip) or a path (poppler, tesseract). The caller removes it.
func spool(r io.Reader, l Limits, pattern string) (*os.File, error) {
	f, err := os.CreateTemp(l.TempDir, pattern)
	if err != nil {
		return nil, fmt.Errorf("extract: spool: %w", err)
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("extract: spool: %w", err)
	}
	return f, nil
}

// ooxml is an opened DOCX/XLSX package with a budget on how much it may
// inflate: a few KB of zip can declare (or secretly hold) gigabytes.
type ooxml struct {
	zr     *zip.Reader
	files  map[string]*zip.File
	budget int64
	max    int64
}

func openOOXML(f *os.File, l Limits) (*ooxml, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("not a valid zip package: %w", err)
	}
	if len(zr.File) > l.MaxZipEntries {
		return nil, fmt.Errorf("%w: %d zip entries (limit %d)", ErrTooLarge, len(zr.File), l.MaxZipEntries)
	}
	o := &ooxml{zr: zr, files: map[string]*zip.File{}, budget: l.MaxUnzipped, max: l.MaxUnzipped}
	for _, zf := range zr.File {
		o.files[zf.Name] = zf
	}
	return o, nil
}

// open returns the entry's inflated content, failing once the package as a
// whole has inflated more than the budget (whatever the headers claim).
func (o *ooxml) open(name string) (io.ReadCloser, error) {
	zf := o.files[name]
	if zf == nil {
		return nil, fmt.Errorf("missing %s", name)
	}
	if zf.UncompressedSize64 > uint64(o.budget) {
		return nil, fmt.Errorf("%w: %s inflates to %d bytes (limit %d)", ErrTooLarge, name, zf.UncompressedSize64, o.max)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &budgetReader{rc: rc, o: o}, nil
}

type budgetReader struct {
	rc io.ReadCloser
	o  *ooxml
}

func (b *budgetReader) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.o.budget -= int64(n)
	if b.o.budget < 0 {
		return n, fmt.Errorf("%w: uncompressed content over %d bytes", ErrTooLarge, b.o.max)
	}
	return n, err
}

func (b *budgetReader) Close() error { return b.rc.Close() }

// extractDOCX reads the body, then headers, footers, footnotes and
// endnotes, of a Word document.
func extractDOCX(ctx context.Context, r io.Reader, l Limits) (Result, error) {
	f, err := spool(r, l, "dossier-*.docx")
	if err != nil {
		return Result{}, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	o, err := openOOXML(f, l)
	if err != nil {
		return Result{}, fmt.Errorf("extract: docx: %w", err)
	}
	if o.files["word/document.xml"] == nil {
		return Result{}, errors.New("extract: docx: no word/document.xml")
	}
	parts := []string{"word/document.xml"}
	var extra []string
	for name := range o.files {
		dir, base := path.Split(name)
		if dir == "word/" && (strings.HasPrefix(base, "header") || strings.HasPrefix(base, "footer") ||
			base == "footnotes.xml" || base == "endnotes.xml") && strings.HasSuffix(base, ".xml") {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	parts = append(parts, extra...)

	out := &textBuffer{max: l.MaxText}
	for _, p := range parts {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		rc, err := o.open(p)
		if err != nil {
			return Result{}, fmt.Errorf("extract: docx: %w", err)
		}
		err = wordText(rc, out)
		rc.Close()
		if err != nil {
			return Result{}, fmt.Errorf("extract: docx: %s: %w", p, err)
		}
		out.WriteString("\n")
	}
	return Result{Text: strings.TrimSpace(out.String()), Method: "docx", Truncated: out.truncated}, nil
}

const wordNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// wordText streams WordprocessingML. Word splits a word over several runs
// (<w:r><w:t>) whenever formatting or revision marks change, so runs are
// joined without separators. Paragraphs end lines; inside a table a row is
// one line with cells separated by tabs. Field codes (instrText) and deleted
// revisions (delText) are not text and are skipped.
func wordText(r io.Reader, out *textBuffer) error {
	d := xml.NewDecoder(r)
	inText := false
	inCell := 0
	pending := "" // separator written before the next text, so none trails
	emit := func(s string) {
		if pending != "" {
			out.WriteString(pending)
			pending = ""
		}
		out.WriteString(s)
	}
	for !out.full() {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != wordNS {
				continue
			}
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				emit("\t")
			case "br", "cr":
				emit("\n")
			case "tc":
				inCell++
			}
		case xml.EndElement:
			if t.Name.Space != wordNS {
				continue
			}
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				if inCell > 0 {
					pending = " "
				} else {
					out.WriteString("\n")
					pending = ""
				}
			case "tc":
				inCell--
				pending = "\t"
			case "tr":
				out.WriteString("\n")
				pending = ""
			}
		case xml.CharData:
			if inText {
				emit(string(t))
			}
		}
	}
	return nil
}

// extractXLSX reads every worksheet in workbook order: one line per row,
// cells separated by tabs, shared strings resolved.
func extractXLSX(ctx context.Context, r io.Reader, l Limits) (Result, error) {
	f, err := spool(r, l, "dossier-*.xlsx")
	if err != nil {
		return Result{}, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	o, err := openOOXML(f, l)
	if err != nil {
		return Result{}, fmt.Errorf("extract: xlsx: %w", err)
	}
	var shared []string
	if o.files["xl/sharedStrings.xml"] != nil {
		rc, err := o.open("xl/sharedStrings.xml")
		if err != nil {
			return Result{}, fmt.Errorf("extract: xlsx: %w", err)
		}
		shared, err = sharedStrings(rc)
		rc.Close()
		if err != nil {
			return Result{}, fmt.Errorf("extract: xlsx: shared strings: %w", err)
		}
	}
	sheets, err := o.sheets()
	if err != nil {
		return Result{}, fmt.Errorf("extract: xlsx: %w", err)
	}
	out := &textBuffer{max: l.MaxText}
	for _, s := range sheets {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		rc, err := o.open(s.path)
		if err != nil {
			return Result{}, fmt.Errorf("extract: xlsx: %w", err)
		}
		out.WriteString(s.name + "\n")
		err = sheetText(rc, shared, out)
		rc.Close()
		if err != nil {
			return Result{}, fmt.Errorf("extract: xlsx: %s: %w", s.path, err)
		}
		out.WriteString("\n")
	}
	return Result{Text: strings.TrimSpace(out.String()), Method: "xlsx", Truncated: out.truncated}, nil
}

type sheetRef struct{ name, path string }

// sheets lists worksheets in workbook order, resolving their relationship
// IDs; without a readable workbook it falls back to the sheet files by name.
func (o *ooxml) sheets() ([]sheetRef, error) {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	errWB := o.decode("xl/workbook.xml", &wb)
	errRels := o.decode("xl/_rels/workbook.xml.rels", &rels)
	var out []sheetRef
	if errWB == nil && errRels == nil {
		targets := map[string]string{}
		for _, r := range rels.Rel {
			t := strings.TrimPrefix(r.Target, "/")
			if !strings.HasPrefix(t, "xl/") {
				t = path.Join("xl", t)
			}
			targets[r.ID] = t
		}
		for _, s := range wb.Sheets {
			if t := targets[s.RID]; o.files[t] != nil {
				out = append(out, sheetRef{name: s.Name, path: t})
			}
		}
	}
	if len(out) == 0 {
		for name := range o.files {
			if strings.HasPrefix(name, "xl/worksheets/") && strings.HasSuffix(name, ".xml") {
				out = append(out, sheetRef{name: path.Base(name), path: name})
			}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	}
	if len(out) == 0 {
		return nil, errors.New("no worksheets")
	}
	return out, nil
}

func (o *ooxml) decode(name string, v any) error {
	rc, err := o.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(rc).Decode(v)
}

// sharedStrings reads the shared string table: each <si> is one string,
// possibly split into rich-text runs; phonetic hints (<rPh>) are skipped.
func sharedStrings(r io.Reader) ([]string, error) {
	d := xml.NewDecoder(r)
	var out []string
	var cur strings.Builder
	inT, inPh := false, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				cur.Reset()
			case "t":
				inT = true
			case "rPh":
				inPh++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				out = append(out, cur.String())
			case "t":
				inT = false
			case "rPh":
				inPh--
			}
		case xml.CharData:
			if inT && inPh == 0 {
				cur.Write(t)
			}
		}
	}
}

// sheetText streams one worksheet's cells.
func sheetText(r io.Reader, shared []string, out *textBuffer) error {
	d := xml.NewDecoder(r)
	var cellType string
	var val strings.Builder
	inV, firstCell := false, true
	for !out.full() {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				firstCell = true
			case "c":
				cellType = ""
				for _, a := range t.Attr {
					if a.Name.Local == "t" {
						cellType = a.Value
					}
				}
				val.Reset()
			case "v", "t": // <t> inside <is> for inline strings
				inV = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v", "t":
				inV = false
			case "c":
				s := val.String()
				if cellType == "s" {
					i, err := strconv.Atoi(strings.TrimSpace(s))
					if err != nil || i < 0 || i >= len(shared) {
						return fmt.Errorf("bad shared string index %q", s)
					}
					s = shared[i]
				}
				if s == "" {
					continue
				}
				if !firstCell {
					out.WriteString("\t")
				}
				out.WriteString(s)
				firstCell = false
			case "row":
				out.WriteString("\n")
			}
		case xml.CharData:
			if inV {
				val.Write(t)
			}
		}
	}
	return nil
}
