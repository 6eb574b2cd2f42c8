package extract

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// extractText reads plain text or CSV. Files from Chinese systems are often
// GBK/GB18030 without any declaration, so the encoding is decided from the
// bytes: a BOM, then valid UTF-8, then a declared charset, then GB18030 (a
// superset of GB2312 and GBK), and as a last resort UTF-8 with replacement
// characters.
func extractText(r io.Reader, declared string, l Limits) (Result, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return Result{}, fmt.Errorf("extract: text: %w", err)
	}
	text, cs := decodeBytes(raw, declared)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	return Result{Text: text, Method: "text", Meta: map[string]string{"charset": cs}}, nil
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
