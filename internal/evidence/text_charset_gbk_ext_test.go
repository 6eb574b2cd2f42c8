package evidence_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/dossier/dossier/internal/extract"
)

// A GBK chat export with characters outside GB2312 (陳, 貨, 萬: most
// traditional ones, a Hong Kong debtor's) has bytes 0x80–0x9F, so the
// detector gives it no charset rather than a Latin one, and it was stored
// as plain text/plain, extracted and previewed as UTF-8 (nonsense). It is
// GBK as well.
func TestIngestGBKTraditionalText(t *testing.T) {
	f := newFixture(t, "sqlite")
	ctx := context.Background()
	data, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(
		"2026-01-05 10:32 陳大文：貨款二十萬元下月一定還清。\r\n2026-01-05 10:33 张三：好的，请按时付款。\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "chat", "聊天.txt", data))
	if err != nil {
		t.Fatal(err)
	}
	if e.MediaType != "text/plain; charset=gb18030" {
		t.Errorf("media type %q, want text/plain; charset=gb18030", e.MediaType)
	}
	res, err := extract.Extract(ctx, e.MediaType, e.Filename, bytes.NewReader(data), extract.Limits{MaxText: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Text, "貨款二十萬元") {
		t.Errorf("extracted text %.80q does not contain 貨款二十萬元", res.Text)
	}
}
