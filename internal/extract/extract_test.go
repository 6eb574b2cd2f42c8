package extract

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden")

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func requireTool(tb testing.TB, names ...string) {
	tb.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			tb.Skipf("%s not installed (make test installs poppler-utils and tesseract-ocr-chi-sim)", n)
		}
	}
}

func TestExtract(t *testing.T) {
	tests := []struct {
		name, mediaType, filename string
		data                      func(testing.TB) []byte
		method                    string
		want, not                 []string
		meta                      map[string]string
		golden                    bool
		tools                     []string
	}{
		{name: "GBKText", mediaType: "text/plain", filename: "催款.txt", data: file("gbk.txt"), method: "text",
			want: []string{"拖欠我司货款人民币壹万贰仟元整", "分期还款"}, meta: map[string]string{"charset": "gb18030"}, golden: true},
		{name: "UTF16Text", mediaType: "text/plain; charset=utf-16le", filename: "s.txt", data: file("utf16.txt"), method: "text",
			want: []string{"对账单 Statement", "尚欠货款 12,000.00 元"}, not: []string{"\ufeff"}, meta: map[string]string{"charset": "utf-16"}},
		{name: "UTF8BOM", mediaType: "text/plain", filename: "b.txt", data: file("bom.txt"), method: "text",
			want: []string{"律师函 promised to pay"}, not: []string{"\ufeff"}},
		{name: "GB18030CSV", mediaType: "text/csv", filename: "statement.csv", data: file("statement.csv"), method: "text",
			want: []string{"2026-02-10,分期还款,-6000.00", "货款 HT-2026-0042"}, golden: true},
		{name: "CSVByExtension", mediaType: "application/octet-stream", filename: "statement.csv", data: file("statement.csv"), method: "text",
			want: []string{"分期还款"}},
		{name: "HTML", mediaType: "text/html; charset=utf-8", filename: "x.html", data: bytesOf(`<html><head><title>律师函</title><style>p{color:red}</style>` +
			`<script>var secret = "do-not-index";</script></head><body><p>贵司拖欠&lt;货款&gt;&amp;利息</p><div>分期<b>还款</b></div>` +
			`<noscript>noscript-text</noscript><table><tr><td>期数</td><td>金额</td></tr></table></body></html>`), method: "html",
			want: []string{"律师函", "贵司拖欠<货款>&利息", "分期还款", "期数"}, not: []string{"do-not-index", "color:red", "noscript-text", "<p>"},
			meta: map[string]string{"title": "律师函"}},
		{name: "HTMLGBKMeta", mediaType: "text/html", filename: "x.htm", data: gbkHTML, method: "html", want: []string{"拖欠货款"}},
		{name: "EMLGB2312", mediaType: "message/rfc822", filename: "mail.eml", data: file("gb2312.eml"), method: "eml",
			want: []string{"Subject: 关于拖欠货款的律师函", "王律师 <wang@shenda.example.cn>", "恒远财务部 <finance@hengyuan.example.cn>",
				"Li Si <li@example.com>", "承诺分期还款", "HT-2026-0042", "promised to pay",
				"律师函-恒远.pdf", "对账单.txt"},
			not: []string{"请见附件律师函", "=?GB2312", "not really a pdf", "对账单内容", "\r"},
			meta: map[string]string{"subject": "关于拖欠货款的律师函", "from": "王律师 <wang@shenda.example.cn>",
				"attachments": "律师函-恒远.pdf; 对账单.txt"}, golden: true},
		{name: "EMLQuotedPrintable", mediaType: "text/plain", filename: "reminder.eml", data: file("qp.eml"), method: "eml",
			want: []string{"Subject: 催款通知 overdue invoice", "您的账单已逾期，请尽快还款。", "Invoice INV-778 is overdue."}},
		{name: "DOCX", mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", filename: "协议.docx",
			data: docxFixture, method: "docx",
			want: []string{"还款协议", "甲方同意分期还款，合同编号 HT-2026-0042。", "The debtor promised\tto pay.", "期数\t金额", "第一期\t6,000.00", "上海申达贸易有限公司"},
			not:  []string{"MERGEFORMAT", "作废条款"}, golden: true},
		{name: "DOCXAsZip", mediaType: "application/zip", filename: "协议.docx", data: docxFixture, method: "docx", want: []string{"分期还款"}},
		{name: "XLSX", mediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename: "对账.xlsx",
			data: xlsxFixture, method: "xlsx",
			want: []string{"对账单\n日期\t摘要\t金额\n46027\t分期还款\t-6000", "Notes\npromised to pay\tHT-2026-0042"},
			not:  []string{"fenqi"}, golden: true},
		{name: "PDFTextLayer", mediaType: "application/pdf", filename: "律师函.pdf", data: file("text.pdf"), method: "pdftotext",
			want: []string{"律师函", "致：杭州恒远机械有限公司", "拖欠货款人民币壹万贰仟元整", "HT-2026-0042", "promised to pay"},
			meta: map[string]string{"pages": "1"}, tools: []string{"pdftotext"}},
		{name: "PDFScanned", mediaType: "application/pdf", filename: "scan.pdf", data: file("scanned.pdf"), method: "ocr",
			want: []string{"分期还款", "HT-2026-0042", "promised to pay"}, meta: map[string]string{"ocr_pages": "1"},
			tools: []string{"pdftotext", "pdftoppm", "tesseract"}},
		{name: "ImageOCR", mediaType: "image/png", filename: "chat.png", data: file("ocr.png"), method: "ocr",
			want: []string{"分期还款", "HT-2026-0042", "The buyer promised to pay 12000"}, not: []string{"分 期"},
			tools: []string{"tesseract"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireTool(t, tc.tools...)
			res, err := Extract(context.Background(), tc.mediaType, tc.filename, bytes.NewReader(tc.data(t)), Limits{})
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if res.Method != tc.method {
				t.Errorf("method %q, want %q", res.Method, tc.method)
			}
			if !utf8.ValidString(res.Text) {
				t.Error("text is not valid UTF-8")
			}
			for _, w := range tc.want {
				if !strings.Contains(res.Text, w) {
					t.Errorf("text lacks %q:\n%s", w, res.Text)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(res.Text, n) {
					t.Errorf("text contains %q:\n%s", n, res.Text)
				}
			}
			for k, v := range tc.meta {
				if res.Meta[k] != v {
					t.Errorf("meta[%s] = %q, want %q", k, res.Meta[k], v)
				}
			}
			if tc.golden {
				checkGolden(t, tc.name, res.Text)
			}
		})
	}
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		t.Errorf("text differs from %s:\n got: %q\nwant: %q", path, got, want)
	}
}

func file(name string) func(testing.TB) []byte {
	return func(tb testing.TB) []byte { return readFixture(tb, name) }
}

func bytesOf(s string) func(testing.TB) []byte {
	return func(testing.TB) []byte { return []byte(s) }
}

// gbkHTML declares its GBK encoding only in a <meta> tag.
func gbkHTML(tb testing.TB) []byte {
	// "拖欠货款" in GBK.
	return append([]byte(`<html><head><meta charset="gbk"></head><body><p>`),
		append([]byte{0xcd, 0xcf, 0xc7, 0xb7, 0xbb, 0xf5, 0xbf, 0xee}, []byte(`</p></body></html>`)...)...)
}

func TestExtractErrors(t *testing.T) {
	pdf := readFixture(t, "text.pdf")
	tests := []struct {
		name, mediaType, filename string
		data                      []byte
		limits                    Limits
		is                        error  // errors.Is target, if any
		contains                  string // in the error text
		tools                     []string
	}{
		{name: "ErrUnsupportedAudio", mediaType: "audio/mpeg", filename: "call.mp3", data: []byte("ID3..."), is: ErrUnsupported},
		{name: "ErrUnsupportedZip", mediaType: "application/zip", filename: "bundle.zip", data: makeZip(t), is: ErrUnsupported},
		{name: "ErrCorruptDOCX", mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", filename: "x.docx",
			data: []byte("PK\x03\x04 this is not a zip"), contains: "not a valid zip"},
		{name: "ErrTruncatedDOCX", mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", filename: "x.docx",
			data: docxFixture(t)[:200], contains: "docx"},
		{name: "ErrDOCXBadXML", mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", filename: "x.docx",
			data: makeZip(t, [2]string{"word/document.xml", wordHead + "<w:p><w:t>分期</w:p>"}), contains: "document.xml"},
		{name: "ErrXLSXBadSharedIndex", mediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename: "x.xlsx",
			data:     makeZip(t, [2]string{"xl/worksheets/sheet1.xml", `<worksheet><sheetData><row><c t="s"><v>99</v></c></row></sheetData></worksheet>`}),
			contains: "shared string"},
		{name: "ErrZipBombSize", mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", filename: "bomb.docx",
			data:   makeZip(t, [2]string{"word/document.xml", wordHead + strings.Repeat("<w:p><w:r><w:t>a</w:t></w:r></w:p>", 200000)}),
			limits: Limits{MaxUnzipped: 1 << 20}, is: ErrTooLarge},
		{name: "ErrZipBombEntries", mediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename: "many.xlsx",
			data: manyEntries(t, 50), limits: Limits{MaxZipEntries: 10}, is: ErrTooLarge},
		{name: "ErrInputTooLarge", mediaType: "text/plain", filename: "big.txt", data: bytes.Repeat([]byte("货款"), 1000),
			limits: Limits{MaxInput: 100}, is: ErrTooLarge},
		{name: "ErrCorruptPDF", mediaType: "application/pdf", filename: "x.pdf", data: []byte("%PDF-1.4\ngarbage garbage"),
			contains: "pdftotext", tools: []string{"pdftotext"}},
		{name: "ErrTruncatedPDF", mediaType: "application/pdf", filename: "x.pdf", data: pdf[:len(pdf)/3],
			contains: "pdf", tools: []string{"pdftotext", "pdftoppm", "tesseract"}},
		{name: "ErrCorruptImage", mediaType: "image/png", filename: "x.png", data: []byte("\x89PNG\r\n\x1a\nnot really"),
			contains: "tesseract", tools: []string{"tesseract"}},
		{name: "ErrBadMIMENesting", mediaType: "message/rfc822", filename: "x.eml",
			data: []byte("Subject: x\r\nContent-Type: multipart/mixed\r\n\r\nbody"), contains: "boundary"},
		{name: "ErrTimeout", mediaType: "image/png", filename: "x.png", data: readFixture(t, "ocr.png"),
			limits: Limits{Timeout: time.Millisecond}, is: context.DeadlineExceeded, tools: []string{"tesseract"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireTool(t, tc.tools...)
			res, err := Extract(context.Background(), tc.mediaType, tc.filename, bytes.NewReader(tc.data), tc.limits)
			if err == nil {
				// A truncated PDF may still render its first objects; what
				// matters is that nothing panics and no garbage is claimed.
				if tc.name == "ErrTruncatedPDF" {
					t.Skipf("poppler recovered the truncated file: %q", res.Text)
				}
				t.Fatalf("no error; text %q", res.Text)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err %v, want %v", err, tc.is)
			}
			if tc.contains != "" && !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("err %q lacks %q", err, tc.contains)
			}
		})
	}
}

func manyEntries(tb testing.TB, n int) []byte {
	files := make([][2]string, n)
	for i := range files {
		files[i] = [2]string{"xl/worksheets/sheet" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ".xml", "<worksheet/>"}
	}
	return makeZip(tb, files...)
}

func TestExtractTruncatesText(t *testing.T) {
	res, err := Extract(context.Background(), "text/plain", "x.txt", strings.NewReader(strings.Repeat("货款", 100)), Limits{MaxText: 10})
	if err != nil {
		t.Fatal(err)
	}
	// 10 bytes hold three 3-byte characters; the fourth must not be split.
	if res.Text != "货款货" || !res.Truncated {
		t.Errorf("text %q truncated %v", res.Text, res.Truncated)
	}
}

func TestJoinCJKSpaces(t *testing.T) {
	tests := []struct{ in, want string }{
		{"分 期 还 款", "分期还款"},
		{"合同 HT-2026 编号", "合同 HT-2026 编号"},
		{"pay  to 货 款，  请", "pay  to 货款，请"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := joinCJKSpaces(tc.in); got != tc.want {
			t.Errorf("joinCJKSpaces(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
