package dossier_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dossier/dossier/internal/dossier"
)

// A name over 200 characters was cut from its end, so "很长的名字….pdf"
// lost its .pdf and was downloaded without an extension. The stem is cut
// now, on a character boundary, and the extension kept. The cut is at 200
// characters or 255 bytes, whichever comes first (see
// TestSanitizeFilenameBytes).
func TestSanitizeFilenameKeepsExtension(t *testing.T) {
	long := strings.Repeat("很长的名字", 60) // 300 characters
	tests := []struct{ in, wantSuffix string }{
		{long + ".pdf", ".pdf"},
		{long + ".tar.gz", ".gz"},
		{strings.Repeat("a", 250) + ".docx", "a.docx"},
		{long + ".录音文件", ".录音文件"},
		{"目录/" + long + ".PDF", ".PDF"},
	}
	for _, tc := range tests {
		got := dossier.SanitizeFilename(tc.in)
		if n, c := len(got), utf8.RuneCountInString(got); n > 255 || c > 200 || n < 240 && c < 200 {
			t.Errorf("%.20s…: %d bytes, %d characters, want 200 characters or 240–255 bytes", tc.in, n, c)
		}
		if !utf8.ValidString(got) || !strings.HasSuffix(got, tc.wantSuffix) {
			t.Errorf("%.20s…: got …%s, want suffix %s", tc.in, got[len(got)-20:], tc.wantSuffix)
		}
		if !strings.HasPrefix(got, "很长的名字") && !strings.HasPrefix(got, "aaa") {
			t.Errorf("%.20s…: stem lost: %.40s", tc.in, got)
		}
	}
	// An "extension" too long to be one is text: the end is cut as before.
	odd := "报告." + strings.Repeat("附", 250)
	if got := dossier.SanitizeFilename(odd); len(got) > 255 || len(got) < 240 || !strings.HasPrefix(got, "报告.") {
		t.Errorf("long suffix: %.40s (%d bytes)", got, len(got))
	}
	// Short names are unchanged.
	if got := dossier.SanitizeFilename("合同.pdf"); got != "合同.pdf" {
		t.Errorf("short name: %q", got)
	}
}
