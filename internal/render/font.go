// Package render draws court documents as A4 PDFs with maroto v2: an embedded
// CJK TrueType font, a line breaker of our own for Chinese and English text
// (maroto breaks only at spaces), blocks for titles, numbered sections,
// tables and signature lines, and Chinese capital numerals for amounts.
package render

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sync"
)

// fontTTF is face 0 of WenQuanYi Micro Hei (Apache-2.0, see
// fonts/LICENSE-wqy-microhei.txt), split from Debian's .ttc because maroto's
// backend reads only single-face TrueType files.
//
//go:embed fonts/wqy-microhei.ttf
var fontTTF []byte

// FontFamily is the family name documents register the font under.
const FontFamily = "wqy"

// Font holds the embedded font's bytes and the advance widths our line
// breaker needs, parsed once per process and shared read-only.
type Font struct {
	TTF []byte
	// widths are advances in 1/1000 em indexed by rune (BMP), rounded exactly
	// as the PDF backend rounds them, so our lines fit where it draws them.
	widths  []uint16
	gids    []uint16 // glyph index by rune (BMP), 0 when absent
	missing uint16
	cmapAt  int // offset of the cmap entry in the table directory
	views   sync.Pool
}

// LoadFont parses the embedded font's metrics.
func LoadFont() (*Font, error) { return ParseFont(fontTTF) }

// ParseFont reads the cmap and hmtx tables of a TrueType font.
func ParseFont(ttf []byte) (*Font, error) {
	tables := map[string][]byte{}
	if len(ttf) < 12 {
		return nil, errors.New("render: font too short")
	}
	cmapAt := -1
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	for i := 0; i < n; i++ {
		rec := ttf[12+16*i:]
		if string(rec[:4]) == "cmap" {
			cmapAt = 12 + 16*i
		}
		off, ln := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if int(off)+int(ln) > len(ttf) {
			return nil, fmt.Errorf("render: font table %q out of bounds", rec[:4])
		}
		tables[string(rec[:4])] = ttf[off : off+ln]
	}
	head, hhea, hmtx, cmap := tables["head"], tables["hhea"], tables["hmtx"], tables["cmap"]
	if head == nil || hhea == nil || hmtx == nil || cmap == nil {
		return nil, errors.New("render: font lacks head, hhea, hmtx or cmap")
	}
	scale := 1000 / float64(binary.BigEndian.Uint16(head[18:]))
	nMetrics := int(binary.BigEndian.Uint16(hhea[34:]))
	advance := func(glyph int) uint16 {
		if glyph >= nMetrics {
			glyph = nMetrics - 1
		}
		return uint16(math.Round(scale * float64(binary.BigEndian.Uint16(hmtx[4*glyph:]))))
	}
	f := &Font{TTF: ttf, widths: make([]uint16, 0x10000), gids: make([]uint16, 0x10000),
		missing: advance(0), cmapAt: cmapAt}
	sub := findCmap4(cmap)
	if sub == nil {
		return nil, errors.New("render: font has no Unicode BMP cmap (format 4)")
	}
	segX2 := int(binary.BigEndian.Uint16(sub[6:]))
	ends, starts, deltas, ranges := sub[14:], sub[16+segX2:], sub[16+2*segX2:], sub[16+3*segX2:]
	for s := 0; s < segX2; s += 2 {
		end, start := int(binary.BigEndian.Uint16(ends[s:])), int(binary.BigEndian.Uint16(starts[s:]))
		delta, ro := int(binary.BigEndian.Uint16(deltas[s:])), int(binary.BigEndian.Uint16(ranges[s:]))
		for c := start; c <= end && c < 0xFFFF; c++ {
			g := 0
			if ro == 0 {
				g = (c + delta) & 0xFFFF
			} else if p := s + ro + 2*(c-start); p+2 <= len(ranges) {
				if g = int(binary.BigEndian.Uint16(ranges[p:])); g != 0 {
					g = (g + delta) & 0xFFFF
				}
			}
			if g != 0 {
				f.widths[c] = advance(g)
				f.gids[c] = uint16(g)
			}
		}
	}
	return f, nil
}

func findCmap4(cmap []byte) []byte {
	n := int(binary.BigEndian.Uint16(cmap[2:]))
	for i := 0; i < n; i++ {
		rec := cmap[4+8*i:]
		pid, eid := binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[2:])
		off := binary.BigEndian.Uint32(rec[4:])
		if (pid == 3 && eid == 1 || pid == 0) && int(off)+2 < len(cmap) &&
			binary.BigEndian.Uint16(cmap[off:]) == 4 {
			return cmap[off:]
		}
	}
	return nil
}

// Has reports whether the font has a glyph for r.
func (f *Font) Has(r rune) bool { return r >= 0 && r < 0x10000 && f.widths[r] != 0 }

// Width returns the width of s in millimetres at size points.
func (f *Font) Width(s string, size float64) float64 {
	w := 0
	for _, r := range s {
		w += int(f.runeWidth(r))
	}
	return float64(w) * size / 1000 * 25.4 / 72
}

func (f *Font) runeWidth(r rune) uint16 {
	if r >= 0 && r < 0x10000 && f.widths[r] != 0 {
		return f.widths[r]
	}
	if f.missing != 0 {
		return f.missing
	}
	return 500
}

// viewFor returns a copy of the font whose cmap maps only the given runes,
// and a release func to call once the PDF is written (the copy is pooled:
// only its cmap and one directory entry differ between documents).
// The PDF backend parses the whole cmap of every font it is given, twice per
// document (metrics, then subsetting), which with the 30,000 characters of a
// CJK font costs more than the rest of the document; a cmap of the few
// hundred characters a document uses makes both passes cheap. Glyph outlines
// and metrics are untouched, and only used glyphs are embedded either way.
func (f *Font) viewFor(runes map[rune]struct{}) ([]byte, func()) {
	cs := make([]int, 0, len(runes))
	for r := range runes {
		if r > 0 && r < 0xFFFF && f.gids[r] != 0 {
			cs = append(cs, int(r))
		}
	}
	if len(cs) > 8000 || f.cmapAt < 0 { // beyond a format-4 table's 64 KB
		return f.TTF, func() {}
	}
	slices.Sort(cs)
	// Format 4 with one segment per character plus the closing 0xFFFF one.
	segs := len(cs) + 1
	sub := make([]byte, 16+8*segs)
	be := binary.BigEndian
	be.PutUint16(sub[0:], 4)
	be.PutUint16(sub[2:], uint16(len(sub)))
	be.PutUint16(sub[6:], uint16(2*segs))
	sr := 1
	for sr*2 <= segs {
		sr *= 2
	}
	be.PutUint16(sub[8:], uint16(2*sr))
	be.PutUint16(sub[10:], uint16(bits.Len(uint(sr))-1))
	be.PutUint16(sub[12:], uint16(2*segs-2*sr))
	ends, starts, deltas := sub[14:], sub[16+2*segs:], sub[16+4*segs:]
	for i, c := range cs {
		be.PutUint16(ends[2*i:], uint16(c))
		be.PutUint16(starts[2*i:], uint16(c))
		be.PutUint16(deltas[2*i:], uint16(int(f.gids[c])-c))
	}
	last := 2 * (segs - 1)
	be.PutUint16(ends[last:], 0xFFFF)
	be.PutUint16(starts[last:], 0xFFFF)
	be.PutUint16(deltas[last:], 1)
	// idRangeOffsets (after starts... deltas) stay zero.
	cmap := make([]byte, 12, 12+len(sub))
	be.PutUint16(cmap[2:], 1)
	be.PutUint16(cmap[4:], 3)
	be.PutUint16(cmap[6:], 1)
	be.PutUint32(cmap[8:], 12)
	cmap = append(cmap, sub...)

	off := (len(f.TTF) + 3) &^ 3
	bp, _ := f.views.Get().(*[]byte)
	if bp == nil {
		b := make([]byte, off, off+16+8*8001)
		copy(b, f.TTF)
		bp = &b
	}
	out := append((*bp)[:off], cmap...)
	be.PutUint32(out[f.cmapAt+8:], uint32(off))
	be.PutUint32(out[f.cmapAt+12:], uint32(len(cmap)))
	return out, func() { *bp = out; f.views.Put(bp) }
}
