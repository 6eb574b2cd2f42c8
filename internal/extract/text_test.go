package extract

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

// repeatReader yields pattern over and over up to n bytes without holding
// them, and counts what was read.
type repeatReader struct {
	head, pattern []byte
	n, read       int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.read >= r.n {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && r.read < r.n {
		var b byte
		if r.read < int64(len(r.head)) {
			b = r.head[r.read]
		} else {
			b = r.pattern[(r.read-int64(len(r.head)))%int64(len(r.pattern))]
		}
		p[k] = b
		k++
		r.read++
	}
	return k, nil
}

// A text file is read only as far as the kept text needs, whatever its size
// and encoding: a 64 MiB export costs a few MiB, not its size several times.
func TestExtractTextReadsOnlyKeptText(t *testing.T) {
	const maxText = 1 << 20
	tests := []struct {
		name          string
		head, pattern []byte
		charset       string
		prefix        string
	}{
		{name: "GBK", pattern: []byte{0xC7, 0xB7, 0xBF, 0xEE}, charset: "gb18030", prefix: "欠款欠款"},
		{name: "UTF8", pattern: []byte("欠款 12,000.00\r\n"), charset: "utf-8", prefix: "欠款 12,000.00\n"},
		{name: "UTF8BOM", head: []byte{0xEF, 0xBB, 0xBF}, pattern: []byte("欠款"), charset: "utf-8", prefix: "欠款欠款"},
		{name: "UTF16BOM", head: []byte{0xFF, 0xFE}, pattern: []byte{0x20, 0x6B, 0x3E, 0x6B}, charset: "utf-16", prefix: "欠款欠款"},
		{name: "ASCIIThenGBK", head: []byte("statement\n"), pattern: []byte{0xC7, 0xB7, 0xBF, 0xEE}, charset: "gb18030", prefix: "statement\n欠款"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &repeatReader{head: tc.head, pattern: tc.pattern, n: 64 << 20}
			res, err := Extract(context.Background(), "text/plain", "statement.csv", r, Limits{MaxText: maxText})
			if err != nil {
				t.Fatal(err)
			}
			if r.read > 4*maxText {
				t.Errorf("read %d MiB of a 64 MiB file to keep %d MiB of text", r.read>>20, maxText>>20)
			}
			if !res.Truncated || len(res.Text) > maxText || len(res.Text) < maxText*9/10 {
				t.Errorf("text %d bytes, truncated %v; want about %d bytes, truncated", len(res.Text), res.Truncated, maxText)
			}
			if !utf8.ValidString(res.Text) || strings.ContainsRune(res.Text, utf8.RuneError) {
				t.Error("text is not clean UTF-8")
			}
			if !strings.HasPrefix(res.Text, tc.prefix) || res.Meta["charset"] != tc.charset {
				t.Errorf("text %q… charset %q; want %q… %q", res.Text[:min(40, len(res.Text))], res.Meta["charset"], tc.prefix, tc.charset)
			}
		})
	}
}

// With the default limits a 256 MiB GBK file, far below MaxInput, allocates
// a small multiple of the 8 MiB of text kept.
func TestExtractTextMemory(t *testing.T) {
	r := &repeatReader{pattern: []byte{0xC7, 0xB7, 0xBF, 0xEE}, n: 256 << 20}
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	res, err := Extract(context.Background(), "text/plain", "statement.csv", r, Limits{})
	runtime.ReadMemStats(&m1)
	if err != nil {
		t.Fatal(err)
	}
	alloc := (m1.TotalAlloc - m0.TotalAlloc) >> 20
	if alloc > 96 {
		t.Errorf("allocated %d MiB to keep %d MiB of text", alloc, len(res.Text)>>20)
	}
}

// A file shorter than the limit is read to its end and not truncated; a
// file that is not valid UTF-8 only after the kept part is UTF-8.
func TestExtractTextShort(t *testing.T) {
	tests := []struct {
		name, data, charset, want string
		max                       int
		truncated                 bool
	}{
		{name: "OK", data: "对账单\r\n尚欠 12,000.00", charset: "utf-8", want: "对账单\n尚欠 12,000.00", max: 100},
		{name: "Empty", data: "", charset: "utf-8", want: "", max: 100},
		{name: "GBKAfterLimit", data: "statement 2026\xc7\xb7\xbf\xee", charset: "utf-8", want: "statement ", max: 10, truncated: true},
		{name: "Unknown", data: "ab\xff\xfe\xfd", charset: "unknown", want: "ab\uFFFD", max: 100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Extract(context.Background(), "text/plain", "x.txt", bytes.NewReader([]byte(tc.data)), Limits{MaxText: tc.max})
			if err != nil {
				t.Fatal(err)
			}
			if res.Text != tc.want || res.Truncated != tc.truncated || res.Meta["charset"] != tc.charset {
				t.Errorf("text %q truncated %v charset %q; want %q %v %q", res.Text, res.Truncated, res.Meta["charset"], tc.want, tc.truncated, tc.charset)
			}
		})
	}
}
