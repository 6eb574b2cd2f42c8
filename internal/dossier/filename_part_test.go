package dossier

import "testing"

func TestFilenamePart(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"OK", "对账单", "对账单"},
		{"OKSlashKept", "2026/03 对账单", "2026_03 对账单"},
		{"OKCaseNumber", "2026浙0102民初/123-一审证据.zip", "2026浙0102民初_123-一审证据.zip"},
		{"OKBackslash", `合同\补充协议`, "合同_补充协议"},
		{"OKMarkup", `对账单"><img src=x>`, "对账单___img src=x_"},
		{"OKNoParent", "../../etc/passwd", "_.._etc_passwd"},
		{"OKControl", "a\x00b\u200bc", "abc"},
		{"OKEmpty", "///", "___"},
		{"OKDots", "..", "file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FilenamePart(tt.in); got != tt.want {
				t.Fatalf("FilenamePart(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
