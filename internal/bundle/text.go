package bundle

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// maxText bounds the text of one exhibit rendered to pages; the original
// carries the rest.
const maxText = 1 << 20

// readText returns the printable text of a text file or an email.
func readText(r io.Reader, kind string) (string, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxText+1))
	if err != nil {
		return "", err
	}
	truncated := len(raw) > maxText
	if truncated {
		raw = raw[:maxText]
	}
	var s string
	if kind == "email" {
		s, err = emailText(raw)
		if err != nil {
			return "", err
		}
	} else {
		s = decodeText(raw, "")
	}
	s = clean(s)
	if truncated {
		s += "\n\n[……以下内容见原件 / continued in the original file]"
	}
	return s, nil
}

// decodeText decodes raw in charset, or guesses UTF-8 then GB18030 (which
// covers GBK and GB2312, the usual encodings of Chinese text files).
func decodeText(raw []byte, charset string) string {
	if charset != "" && !strings.EqualFold(charset, "utf-8") && !strings.EqualFold(charset, "us-ascii") {
		if enc, err := htmlindex.Get(charset); err == nil {
			if out, err := enc.NewDecoder().Bytes(raw); err == nil {
				return string(out)
			}
		}
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if utf8.Valid(raw) {
		return string(raw)
	}
	if out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw); err == nil {
		return string(out)
	}
	return strings.ToValidUTF8(string(raw), "\uFFFD")
}

// clean drops control characters the PDF cannot show and expands tabs.
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\t", "    ")
	return strings.Map(func(r rune) rune {
		if r == '\n' || !unicode.IsControl(r) && !unicode.Is(unicode.Cf, r) {
			return r
		}
		return -1
	}, s)
}

var wordDecoder = &mime.WordDecoder{CharsetReader: func(charset string, in io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, err
	}
	return enc.NewDecoder().Reader(in), nil
}}

// emailText renders an RFC 5322 message as its main headers, its text body
// and the names of its attachments.
func emailText(raw []byte) (string, error) {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, h := range []struct{ key, label string }{{"From", "发件人 From"}, {"To", "收件人 To"},
		{"Cc", "抄送 Cc"}, {"Date", "日期 Date"}, {"Subject", "主题 Subject"}} {
		v := m.Header.Get(h.key)
		if v == "" {
			continue
		}
		if d, err := wordDecoder.DecodeHeader(v); err == nil {
			v = d
		}
		fmt.Fprintf(&b, "%s: %s\n", h.label, v)
	}
	b.WriteString("\n")
	var attachments []string
	body, err := partText(textproto(m.Header), m.Body, &attachments, 0)
	if err != nil {
		return "", err
	}
	b.WriteString(body)
	if len(attachments) > 0 {
		b.WriteString("\n\n附件 Attachments: " + strings.Join(attachments, ", "))
	}
	return b.String(), nil
}

type header interface{ Get(string) string }

func textproto(h mail.Header) header { return h }

var tagRE = regexp.MustCompile(`(?s)<(script|style).*?</(script|style)>|<[^>]*>`)

// partText returns the text of one MIME part: text/plain preferred, HTML
// stripped of tags, multiparts searched (to a small depth), attachments named.
func partText(h header, body io.Reader, attachments *[]string, depth int) (string, error) {
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, params = "text/plain", map[string]string{}
	}
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, &newlineStripper{r: bufio.NewReader(body)})
	}
	if _, dp, err := mime.ParseMediaType(h.Get("Content-Disposition")); err == nil && dp["filename"] != "" {
		name := dp["filename"]
		if d, err := wordDecoder.DecodeHeader(name); err == nil {
			name = d
		}
		*attachments = append(*attachments, name)
		return "", nil
	}
	if strings.HasPrefix(mt, "multipart/") && depth < 5 {
		mr := multipart.NewReader(body, params["boundary"])
		var plain, html string
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return "", err
			}
			t, err := partText(p.Header, p, attachments, depth+1)
			if err != nil {
				return "", err
			}
			pmt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
			switch {
			case pmt == "text/html" && html == "":
				html = t
			case t != "" && plain == "":
				plain = t
			}
		}
		if plain != "" {
			return plain, nil
		}
		return html, nil
	}
	if !strings.HasPrefix(mt, "text/") {
		if name := params["name"]; name != "" {
			*attachments = append(*attachments, name)
		}
		return "", nil
	}
	raw, err := io.ReadAll(io.LimitReader(body, maxText))
	if err != nil {
		return "", err
	}
	s := decodeText(raw, params["charset"])
	if mt == "text/html" {
		s = strings.TrimSpace(tagRE.ReplaceAllString(s, ""))
	}
	return s, nil
}

// newlineStripper drops CR and LF so base64 bodies wrapped at 76 columns decode.
type newlineStripper struct{ r *bufio.Reader }

func (n *newlineStripper) Read(p []byte) (int, error) {
	i := 0
	for i < len(p) {
		c, err := n.r.ReadByte()
		if err != nil {
			if i > 0 {
				return i, nil
			}
			return 0, err
		}
		if c != '\r' && c != '\n' {
			p[i] = c
			i++
		}
	}
	return i, nil
}
