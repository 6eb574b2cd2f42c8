package extract

import (
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"

	"golang.org/x/text/encoding/htmlindex"
)

// wordDecoder decodes RFC 2047 words in any charset x/text knows. Go's
// default only handles UTF-8, ISO-8859-1 and US-ASCII, while Chinese mail
// clients write GB2312, GBK and GB18030 headers.
var wordDecoder = &mime.WordDecoder{CharsetReader: charsetReader}

func charsetReader(label string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(strings.TrimSpace(label))
	if err != nil {
		return nil, fmt.Errorf("unknown charset %q", label)
	}
	return enc.NewDecoder().Reader(input), nil
}

// maxMIMEDepth bounds the nesting of multiparts; real mail nests 3 or 4 deep.
const maxMIMEDepth = 10

// extractEML reads an RFC 5322 message. The text starts with the subject,
// sender and recipients so that a search for a correspondent's name finds
// the mail, followed by every text body part (HTML converted) and the
// attachment names. Attachments' contents are not extracted: the upload
// handler may store them as evidence of their own.
func extractEML(r io.Reader, l Limits) (Result, error) {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return Result{}, fmt.Errorf("extract: eml: %w", err)
	}
	meta := map[string]string{}
	var out textBuffer
	out.max = l.MaxText
	for _, h := range []struct{ key, label string }{
		{"Subject", "subject"}, {"From", "from"}, {"To", "to"}, {"Cc", "cc"}, {"Date", "date"},
	} {
		v := msg.Header.Get(h.key)
		if v == "" {
			continue
		}
		switch h.key {
		case "From", "To", "Cc":
			v = decodeAddresses(v)
		case "Subject":
			v = decodeHeader(v)
		}
		meta[h.label] = v
		fmt.Fprintf(&out, "%s: %s\n", h.key, v)
	}
	out.WriteString("\n")
	w := &emlWalker{out: &out}
	if err := w.part(textproto(msg.Header), msg.Body, 0); err != nil {
		return Result{}, fmt.Errorf("extract: eml: %w", err)
	}
	if len(w.attachments) > 0 {
		meta["attachments"] = strings.Join(w.attachments, "; ")
		out.WriteString("\n附件 Attachments: " + meta["attachments"] + "\n")
	}
	return Result{Text: strings.TrimSpace(out.String()), Method: "eml", Meta: meta, Truncated: out.truncated}, nil
}

// textproto adapts mail.Header to the header lookups shared with MIME parts.
func textproto(h mail.Header) func(string) string {
	return func(k string) string { return h.Get(k) }
}

func decodeHeader(v string) string {
	d, err := wordDecoder.DecodeHeader(v)
	if err != nil {
		return v
	}
	return d
}

// decodeAddresses renders an address list as "Name <addr>, …" with the
// names decoded; unparseable lists are decoded as plain header text.
func decodeAddresses(v string) string {
	p := mail.AddressParser{WordDecoder: wordDecoder}
	list, err := p.ParseList(v)
	if err != nil {
		return decodeHeader(v)
	}
	parts := make([]string, len(list))
	for i, a := range list {
		if a.Name != "" {
			parts[i] = a.Name + " <" + a.Address + ">"
		} else {
			parts[i] = a.Address
		}
	}
	return strings.Join(parts, ", ")
}

type emlWalker struct {
	out         *textBuffer
	attachments []string
}

// part handles one MIME entity, recursing into multiparts.
func (w *emlWalker) part(header func(string) string, body io.Reader, depth int) error {
	if depth > maxMIMEDepth {
		return fmt.Errorf("MIME nesting deeper than %d", maxMIMEDepth)
	}
	ct := header("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || ct == "" {
		mt, params = "text/plain", map[string]string{}
	}
	disp, dparams, _ := mime.ParseMediaType(header("Content-Disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	if name != "" {
		name = decodeHeader(name) // Chinese clients put RFC 2047 words in quoted filenames
	}

	if strings.HasPrefix(mt, "multipart/") {
		if params["boundary"] == "" {
			return fmt.Errorf("%s without boundary", mt)
		}
		mr := multipart.NewReader(body, params["boundary"])
		haveText := false
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			// The parts of multipart/alternative say the same thing: index
			// the plain text once rather than the HTML copy too.
			pmt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
			if mt == "multipart/alternative" && haveText && pmt == "text/html" {
				continue
			}
			if err := w.part(p.Header.Get, p, depth+1); err != nil {
				return err
			}
			haveText = haveText || pmt == "text/plain"
		}
	}
	if disp == "attachment" || (name != "" && disp != "inline") || !strings.HasPrefix(mt, "text/") {
		if name != "" {
			w.attachments = append(w.attachments, name)
		}
		return nil
	}
	raw, err := io.ReadAll(transferDecoder(header("Content-Transfer-Encoding"), body))
	if err != nil {
		return fmt.Errorf("%s part: %w", mt, err)
	}
	text, _ := decodeBytes(raw, params["charset"])
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if mt == "text/html" {
		var hb textBuffer
		hb.max = w.out.max
		if _, err := htmlText(strings.NewReader(text), &hb); err != nil {
			return err
		}
		text = tidyLines(hb.String())
	}
	w.out.WriteString(strings.TrimSpace(text))
	w.out.WriteString("\n\n")
	return nil
}

// transferDecoder undoes Content-Transfer-Encoding. NextRawPart is used
// above so that this is the one place it happens, for top-level bodies and
// parts alike.
func transferDecoder(cte string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &base64Cleaner{r: r})
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

// base64Cleaner drops line breaks and other bytes outside the base64
// alphabet, which mail bodies are full of and encoding/base64 rejects.
type base64Cleaner struct{ r io.Reader }

func (c *base64Cleaner) Read(p []byte) (int, error) {
	for {
		n, err := c.r.Read(p)
		k := 0
		for _, b := range p[:n] {
			if isBase64(b) {
				p[k] = b
				k++
			}
		}
		if k > 0 || err != nil {
			return k, err
		}
	}
}

func isBase64(b byte) bool {
	return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '+' || b == '/' || b == '='
}
