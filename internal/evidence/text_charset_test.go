package evidence_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/dossier/dossier/internal/extract"
)

// A text file from a Chinese Windows machine (a chat export, a note) is
// GBK without any declaration. The media type detector calls every 8-bit
// text that is not UTF-8 iso-8859-1 or windows-1252; that label was stored,
// sent as the download's Content-Type and handed to text extraction, which
// decoded the Chinese as Latin letters: the file's words were never found.
func TestIngestGBKText(t *testing.T) {
	f := newFixture(t, "sqlite")
	ctx := context.Background()
	gbk := func(s string) []byte {
		b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	latin1, _ := charmap.ISO8859_1.NewEncoder().Bytes([]byte("Reçu: 1.000 F? Non, café déjà payé. "))
	line := "2026-01-05 10:32 张三：货款二十万元下月一定还清。\r\n"
	for _, tc := range []struct {
		name, want, words string
		data              []byte
	}{
		// Long: the detector sees the first 3,072 bytes, which end inside
		// a character with one of the two prefixes.
		{"微信聊天记录.txt", "text/plain; charset=gb18030", "货款二十万元", gbk(strings.Repeat(line, 100))},
		{"微信聊天记录2.txt", "text/plain; charset=gb18030", "货款二十万元", gbk("x" + strings.Repeat(line, 100))},
		{"便条.txt", "text/plain; charset=gb18030", "货款二十万元", gbk(line)},
		{"utf8.txt", "text/plain; charset=utf-8", "货款二十万元", []byte(strings.Repeat(line, 2))},
		// Latin text stays Latin.
		{"recu.txt", "text/plain; charset=iso-8859-1", "café", latin1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "chat", tc.name, tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if e.MediaType != tc.want {
				t.Errorf("media type %q, want %q", e.MediaType, tc.want)
			}
			res, err := extract.Extract(ctx, e.MediaType, e.Filename, bytes.NewReader(tc.data), extract.Limits{MaxText: 1 << 20})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(res.Text, tc.words) {
				t.Errorf("extracted text %.80q does not contain %q", res.Text, tc.words)
			}
		})
	}
}
