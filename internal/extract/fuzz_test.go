package extract

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzExtract feeds mangled inputs to the in-process extractors (not the
// subprocess ones, which are too slow to fuzz): they may fail, but must not
// panic (Extract turns a panic into "internal error") or return invalid
// UTF-8. `go test` runs the seeds; `go test -fuzz FuzzExtract` explores.
func FuzzExtract(f *testing.F) {
	kinds := []string{
		"text/plain", "text/html", "message/rfc822",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	}
	seeds := [][]byte{
		readFixture(f, "gbk.txt"), readFixture(f, "gb2312.eml"), readFixture(f, "qp.eml"),
		docxFixture(f), xlsxFixture(f), []byte("<html><script>x</script><p>货款</p></html>"),
	}
	for i, s := range seeds {
		f.Add(uint8(i), s)
		// Truncations and a flipped byte in the middle, for every seed.
		f.Add(uint8(i+1), s[:len(s)/2])
		m := bytes.Clone(s)
		m[len(m)/2] ^= 0xff
		f.Add(uint8(i+2), m)
	}
	f.Fuzz(func(t *testing.T, k uint8, data []byte) {
		mt := kinds[int(k)%len(kinds)]
		res, err := Extract(context.Background(), mt, "f", bytes.NewReader(data), Limits{MaxUnzipped: 8 << 20})
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("%s: panic: %v", mt, err)
			}
			return
		}
		if !utf8.ValidString(res.Text) {
			t.Fatalf("%s: invalid UTF-8", mt)
		}
	})
}
