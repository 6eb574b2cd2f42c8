package extract

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// extractHTML returns the visible text of an HTML document: no tags, no
// scripts, styles or templates, entities decoded, block elements on their
// own lines. The charset comes from the BOM, the content type or a <meta>
// tag, as a browser would decide.
func extractHTML(r io.Reader, contentType string, l Limits) (Result, error) {
	br := bufio.NewReader(r)
	peek, _ := br.Peek(1024)
	enc, name, _ := charset.DetermineEncoding(peek, contentType)
	var out textBuffer
	out.max = l.MaxText
	title, err := htmlText(enc.NewDecoder().Reader(br), &out)
	if err != nil {
		return Result{}, fmt.Errorf("extract: html: %w", err)
	}
	meta := map[string]string{"charset": name}
	if title != "" {
		meta["title"] = title
	}
	return Result{Text: tidyLines(out.String()), Method: "html", Meta: meta, Truncated: out.truncated}, nil
}

// htmlText streams the tokens of an HTML document into out and returns its
// <title>.
func htmlText(r io.Reader, out *textBuffer) (string, error) {
	z := html.NewTokenizer(r)
	skip := 0 // depth inside script/style/…
	inTitle := false
	var title strings.Builder
	for !out.full() {
		switch tt := z.Next(); tt {
		case html.ErrorToken:
			if z.Err() == io.EOF {
				return strings.TrimSpace(title.String()), nil
			}
			return "", z.Err()
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := string(z.Text())
			if inTitle {
				title.WriteString(t)
			}
			out.WriteString(t)
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Iframe, atom.Object:
				if tt == html.StartTagToken {
					skip++
				}
			case atom.Title:
				inTitle = true
			}
			if blockAtoms[a] {
				out.WriteString("\n")
			} else if a == atom.Td || a == atom.Th {
				out.WriteString("\t")
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Iframe, atom.Object:
				if skip > 0 {
					skip--
				}
			case atom.Title:
				inTitle = false
				out.WriteString("\n")
			}
			if blockAtoms[a] {
				out.WriteString("\n")
			}
		}
	}
	return strings.TrimSpace(title.String()), nil
}

var blockAtoms = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Tr: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Table: true, atom.Section: true,
	atom.Article: true, atom.Header: true, atom.Footer: true, atom.Blockquote: true, atom.Pre: true,
	atom.Hr: true, atom.Ul: true, atom.Ol: true, atom.Dd: true, atom.Dt: true,
}

// tidyLines trims every line and collapses runs of blank lines, which markup
// leaves in abundance.
func tidyLines(s string) string {
	var b strings.Builder
	blank := true
	for _, line := range strings.Split(s, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			if !blank {
				b.WriteString("\n")
			}
			blank = true
			continue
		}
		if !blank {
			b.WriteString("\n")
		}
		b.WriteString(line)
		blank = false
	}
	return strings.TrimSpace(b.String())
}
