package render

import "strings"

// Line-breaking rules (kinsoku): closing punctuation never starts a line and
// opening punctuation never ends one, so each is glued to its neighbour.
const (
	noLineStart = "，。、；：！？）》」』】〕”’…—·%,.;:!?)]}%"
	noLineEnd   = "（《「『【〔“‘([{¥$"
)

// Wrap breaks text into lines no wider than width millimetres at size points.
// Chinese may break between any two characters; a run of Latin letters,
// digits and ASCII symbols (a word, an amount, a contract number) stays whole
// unless it alone is wider than a line. Spaces are break points and vanish at
// line ends. indent narrows the first line (a Chinese paragraph's two-character
// indent is added by the caller as text). "\n" forces a break.
func (f *Font) Wrap(text string, width, size, indent float64) []string {
	var lines []string
	for i, para := range strings.Split(text, "\n") {
		w := width
		if i == 0 {
			w -= indent
		}
		lines = append(lines, f.wrapPara(para, w, width, size)...)
	}
	return lines
}

func (f *Font) wrapPara(text string, first, width, size float64) []string {
	toks := tokens(text)
	var lines []string
	var cur strings.Builder
	curW, limit := 0.0, first
	flush := func() {
		lines = append(lines, strings.TrimRight(cur.String(), " "))
		cur.Reset()
		curW, limit = 0, width
	}
	for _, t := range toks {
		if t == " " && curW == 0 {
			continue // no leading spaces
		}
		tw := f.Width(t, size)
		if curW+tw <= limit+1e-6 {
			cur.WriteString(t)
			curW += tw
			continue
		}
		if t == " " {
			flush()
			continue
		}
		if curW > 0 {
			flush()
		}
		for tw > limit+1e-6 { // a token wider than a line: cut it by characters
			rs := []rune(t)
			k, w := 0, 0.0
			for k < len(rs) {
				rw := f.Width(string(rs[k]), size)
				if k > 0 && w+rw > limit+1e-6 {
					break
				}
				w += rw
				k++
			}
			cur.WriteString(string(rs[:k]))
			flush()
			t = string(rs[k:])
			tw = f.Width(t, size)
		}
		cur.WriteString(t)
		curW += tw
	}
	if cur.Len() > 0 || len(lines) == 0 {
		lines = append(lines, strings.TrimRight(cur.String(), " "))
	}
	return lines
}

// tokens splits text into unbreakable pieces: one CJK character, one Latin
// word, one space; then glues closing punctuation to the piece before it and
// opening punctuation to the piece after it.
func tokens(text string) []string {
	var raw []string
	var word strings.Builder
	endWord := func() {
		if word.Len() > 0 {
			raw = append(raw, word.String())
			word.Reset()
		}
	}
	for _, r := range text {
		switch {
		case r == ' ' || r == '\t':
			endWord()
			raw = append(raw, " ")
		case r < 0x80, r < 0x2E80 && !strings.ContainsRune(noLineStart+noLineEnd, r):
			// ASCII and other non-CJK letters build words; ASCII punctuation
			// stays inside its word so 386,500.00 never breaks.
			word.WriteRune(r)
		default:
			endWord()
			raw = append(raw, string(r))
		}
	}
	endWord()
	raw = keepWithNumber(raw)
	var out []string
	glueNext := false
	for _, t := range raw {
		switch {
		case len(out) > 0 && inDate(out[len(out)-1], t):
			out[len(out)-1] += t
		case glueNext && t != " ":
			out[len(out)-1] += t
		case len(out) > 0 && t != " " && strings.ContainsAny(t[:firstLen(t)], noLineStart) && out[len(out)-1] != " ":
			out[len(out)-1] += t
		default:
			out = append(out, t)
		}
		glueNext = t != " " && strings.ContainsAny(lastRune(t), noLineEnd)
	}
	return out
}

func firstLen(s string) int {
	for i := range s {
		if i > 0 {
			return i
		}
	}
	return len(s)
}

func lastRune(s string) string {
	r := []rune(s)
	return string(r[len(r)-1])
}

// inDate reports whether t continues a date or number with its unit, so
// that 2026年3月31日 is never broken: 年月日 after digits, and digits after
// 年 or 月 that themselves follow digits.
func inDate(prev, t string) bool {
	isDigit := func(b byte) bool { return b >= '0' && b <= '9' }
	if t == "年" || t == "月" || t == "日" {
		return isDigit(prev[len(prev)-1])
	}
	if isDigit(t[0]) && (strings.HasSuffix(prev, "年") || strings.HasSuffix(prev, "月")) {
		r := []rune(prev)
		return len(r) > 1 && r[len(r)-2] < 0x80 && isDigit(byte(r[len(r)-2]))
	}
	return false
}

// noBreakBefore are words a space may not separate from the number after
// them: "RMB 386,500.00", "art. 509", "no. 3"; so is any ISO 4217 code
// (isCurrencyCode), which documents in other currencies than CNY write
// before their amounts: "HKD 386,500.00".
var noBreakBefore = map[string]bool{"RMB": true, "art.": true,
	"arts.": true, "no.": true, "No.": true, "Art.": true, "article": true, "Article": true}

// isCurrencyCode reports whether s looks like an ISO 4217 code: three
// capital ASCII letters.
func isCurrencyCode(s string) bool {
	return len(s) == 3 && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
}

func keepWithNumber(raw []string) []string {
	out := raw[:0]
	for i := 0; i < len(raw); i++ {
		if (noBreakBefore[raw[i]] || isCurrencyCode(raw[i])) && i+2 < len(raw) && raw[i+1] == " " && raw[i+2][0] >= '0' && raw[i+2][0] <= '9' {
			out = append(out, raw[i]+" "+raw[i+2])
			i += 2
			continue
		}
		out = append(out, raw[i])
	}
	return out
}
