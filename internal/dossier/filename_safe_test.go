package dossier_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dossier/dossier/internal/dossier"
)

// Names a counsel could not save as they were: Windows device names (CON,
// NUL, LPT1… with any extension open the device), a name that was only an
// extension (".pdf" became "pdf" and lost it), and line separators and
// bidi controls that make "invoice‮fdp.exe" read as "invoiceexe.pdf".
func TestSanitizeFilenameSafe(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"OK", "合同.pdf", "合同.pdf"},
		{"OKReservedWord", "CONTRACT.pdf", "CONTRACT.pdf"},
		{"OKConInside", "icon.png", "icon.png"},
		{"OKCom10", "COM10.txt", "COM10.txt"},
		{"ErrReservedExt", "CON.pdf", "_CON.pdf"},
		{"ErrReservedBare", "nul", "_nul"},
		{"ErrReservedLower", "lpt1.txt", "_lpt1.txt"},
		{"ErrReservedUpper", "COM3", "_COM3"},
		{"ErrReservedMixed", "Aux.tar.gz", "_Aux.tar.gz"},
		{"ErrReservedPrn", "prn.docx", "_prn.docx"},
		{"ErrReservedSpace", "CON .txt", "_CON .txt"},
		{"ErrReservedSuperscript", "COM¹.log", "_COM¹.log"},
		{"ErrReservedConsole", "CONIN$", "_CONIN$"},
		{"ErrReservedInPath", `C:\Users\me\nul.txt`, "_nul.txt"},
		{"ErrReservedTrailingDot", "con.", "_con"},
		{"ErrOnlyExtension", ".pdf", "file.pdf"},
		{"ErrOnlyExtensionDots", "..pdf", "file.pdf"},
		{"ErrOnlyExtensionPath", "scans/.jpg", "file.jpg"},
		{"OKHiddenWithExt", ".hidden.pdf", "hidden.pdf"},
		{"ErrDots", "...", "file"},
		{"ErrLineSeparator", "对账单\u2028第二行.pdf", "对账单第二行.pdf"},
		{"ErrParagraphSeparator", "a\u2029b.txt", "ab.txt"},
		{"ErrBidiOverride", "invoice\u202efdp.exe", "invoicefdp.exe"},
		{"ErrBidiEmbedding", "\u202a\u202b\u202c\u202dx.pdf", "x.pdf"},
		{"ErrBidiIsolate", "a\u2066b\u2067c\u2068d\u2069.pdf", "abcd.pdf"},
		{"ErrBidiMarks", "a\u200e\u200f\u061cb.pdf", "ab.pdf"},
		{"ErrNextLine", "a\u0085b.pdf", "ab.pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dossier.SanitizeFilename(tt.in); got != tt.want {
				t.Errorf("SanitizeFilename(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// A name is cut to what file systems store: 255 bytes of UTF-8 (ext4, a
// ZIP entry extracted on Linux). 200 Chinese characters were 600 bytes.
func TestSanitizeFilenameBytes(t *testing.T) {
	tests := []struct {
		name, in, prefix, suffix string
	}{
		{"OKChinese", strings.Repeat("很长的名字", 60) + ".pdf", "很长的名字", "很长的.pdf"},
		{"OKChineseExt", strings.Repeat("录", 300) + ".录音文件", "录录", "录.录音文件"},
		{"OKFourByte", strings.Repeat("𠀀", 100) + ".txt", "𠀀", "𠀀.txt"},
		{"OKMixed", strings.Repeat("a合", 150) + ".docx", "a合", ".docx"},
		{"OKNoExtension", strings.Repeat("附", 300), "附附", "附"},
		{"OKReserved", "CON." + strings.Repeat("附", 300), "_CON.附", "附"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := dossier.SanitizeFilename(tt.in)
			if len(got) > 255 || len(got) < 240 {
				t.Errorf("%d bytes, want 240–255", len(got))
			}
			if utf8.RuneCountInString(got) > 200 {
				t.Errorf("%d characters, want at most 200", utf8.RuneCountInString(got))
			}
			if !utf8.ValidString(got) || !strings.HasPrefix(got, tt.prefix) || !strings.HasSuffix(got, tt.suffix) {
				t.Errorf("got %q, want %q…%q", got, tt.prefix, tt.suffix)
			}
		})
	}
	// The cut leaves no trailing blank or dot before the extension, and
	// never turns a name into a device name.
	if got := dossier.SanitizeFilename("CON" + strings.Repeat(" ", 300) + "x.pdf"); got != "_CON.pdf" {
		t.Errorf("cut to a device name: %q", got)
	}
	if got := dossier.SanitizeFilename(strings.Repeat("报", 82) + " . . " + strings.Repeat("告", 100) + ".pdf"); strings.HasSuffix(got, " .pdf") || strings.HasSuffix(got, "..pdf") || len(got) > 255 {
		t.Errorf("trailing blank or dot kept: …%q", got[len(got)-12:])
	}
}
