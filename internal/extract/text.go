package extract

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// extractText reads plain text or CSV. Files from Chinese systems are often
// GBK/GB18030 without any declaration, so the encoding is decided from the
// bytes: a BOM, then valid UTF-8, then a declared charset, then GB18030 (a
// superset of GB2312 and GBK), and as a last resort UTF-8 with replacement
// characters.
//
// Only the text that is kept is read: decoding streams and stops once
// Limits.MaxText bytes of text are out, so a bank-statement export of
// hundreds of MiB costs a few times MaxText in memory, not its own size
// several times over. The encoding is decided from the part that is kept.
func extractText(r io.Reader, declared string, l Limits) (Result, error) {
	// A few bytes past the limit show that the text goes on, and let clip
	// cut on a rune boundary.
	want := l.MaxText + utf8.UTFMax
	src := &sourceReader{r: r}
	br := bufio.NewReader(src)
	head, err := br.Peek(3)
	if err != nil && !errors.Is(err, io.EOF) {
		return Result{}, fmt.Errorf("extract: text: %w", err)
	}
	var out []byte
	var more bool // the file goes on past what was read
	cs := "utf-8"
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
		out, err = readAtMost(br, want)
		more = len(out) >= want
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		// The BOM-aware decoder picks the byte order and drops the BOM.
		cs = "utf-16"
		out, err = readAtMost(transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()), want)
		more = len(out) >= want
	default:
		out, cs, more, err = detectText(br, src, declared, want)
	}
	if err != nil {
		return Result{}, fmt.Errorf("extract: text: %w", err)
	}
	text, truncated := clip(string(out), l.MaxText, more)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	return Result{Text: text, Method: "text", Meta: map[string]string{"charset": cs}, Truncated: truncated}, nil
}

// detectText decodes a file without a BOM: UTF-8 if the first want bytes
// are valid UTF-8, else the declared charset or GB18030 if either decodes
// them without replacement characters, else UTF-8 with replacements. The
// bytes read so far are replayed for each attempt, so nothing is read twice
// from r and nothing past what the kept text needs is read at all. src is
// r's source, which tells a failed read from a decoder that gave up.
func detectText(r io.Reader, src *sourceReader, declared string, want int) (out []byte, cs string, more bool, err error) {
	head, err := readAtMost(r, want)
	if err != nil {
		return nil, "", false, err
	}
	if validPrefix(head, want) {
		return head, "utf-8", len(head) >= want, nil
	}
	type candidate struct {
		name string
		enc  encoding.Encoding
	}
	var cands []candidate
	if d := strings.ToLower(strings.TrimSpace(declared)); d != "" && d != "utf-8" && d != "us-ascii" {
		if enc, err := htmlindex.Get(d); err == nil {
			cands = append(cands, candidate{d, enc})
		}
	}
	cands = append(cands, candidate{"gb18030", simplifiedchinese.GB18030})
	// rest keeps what a decoder read from r beyond head, for the next try.
	var rest bytes.Buffer
	for _, c := range cands {
		in := io.MultiReader(bytes.NewReader(head), bytes.NewReader(rest.Bytes()), io.TeeReader(r, &rest))
		// A character takes at most four bytes in these encodings and
		// gives at least one byte of UTF-8; the cap only matters for an
		// input of nothing but escape sequences.
		dec, err := readAtMost(transform.NewReader(io.LimitReader(in, 4*int64(want)), c.enc.NewDecoder()), want)
		if src.err != nil {
			return nil, "", false, src.err
		}
		if err != nil {
			continue // the decoder refused the bytes
		}
		if !bytes.ContainsRune(kept(dec, want), utf8.RuneError) {
			return dec, c.name, len(dec) >= want, nil
		}
	}
	raw := append(head, rest.Bytes()...)
	if len(raw) > want {
		raw = raw[:want]
	}
	return bytes.ToValidUTF8(raw, []byte("\uFFFD")), "unknown", len(raw) >= want, nil
}

// validPrefix reports whether the part of b that is kept is valid UTF-8.
func validPrefix(b []byte, want int) bool { return utf8.Valid(kept(b, want)) }

// kept returns the part of b, read up to want bytes, that clip keeps: when
// b was cut at want, a character split by the cut does not count, so it
// cannot make the file look like another encoding.
func kept(b []byte, want int) []byte {
	if len(b) < want {
		return b
	}
	k := want - utf8.UTFMax
	for k > 0 && !utf8.RuneStart(b[k]) {
		k--
	}
	return b[:k]
}

// readAtMost reads up to n bytes of r.
func readAtMost(r io.Reader, n int) ([]byte, error) {
	var buf bytes.Buffer
	_, err := buf.ReadFrom(io.LimitReader(r, int64(n)))
	return buf.Bytes(), err
}

// sourceReader remembers the first error of the file's own reader (I/O,
// or ErrTooLarge past Limits.MaxInput), which must not be mistaken for a
// decoder refusing the bytes.
type sourceReader struct {
	r   io.Reader
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF && s.err == nil {
		s.err = err
	}
	return n, err
}

// decodeBytes converts raw to UTF-8 and names the encoding it found.
func decodeBytes(raw []byte, declared string) (string, string) {
	switch {
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		return strings.ToValidUTF8(string(raw[3:]), "\uFFFD"), "utf-8"
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}), bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		// The BOM-aware decoder picks the byte order and drops the BOM.
		s, err := decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), raw)
		if err == nil {
			return s, "utf-16"
		}
	}
	if utf8.Valid(raw) {
		return string(raw), "utf-8"
	}
	if d := strings.ToLower(strings.TrimSpace(declared)); d != "" && d != "utf-8" && d != "us-ascii" {
		if enc, err := htmlindex.Get(d); err == nil {
			if s, err := decodeWith(enc, raw); err == nil && !strings.ContainsRune(s, utf8.RuneError) {
				return s, d
			}
		}
	}
	if s, err := decodeWith(simplifiedchinese.GB18030, raw); err == nil && !strings.ContainsRune(s, utf8.RuneError) {
		return s, "gb18030"
	}
	return strings.ToValidUTF8(string(raw), "\uFFFD"), "unknown"
}

func decodeWith(enc encoding.Encoding, raw []byte) (string, error) {
	out, err := enc.NewDecoder().Bytes(raw)
	if err != nil {
		return "", err
	}
	return string(out), nil
}
