package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"testing"
)

// TestEvidenceSizeShownOnce: the evidence page gave a small file's size
// twice, "173 B (173 B)". A size under 1 KiB reads once in bytes; a larger
// one rounded, with the exact count of bytes after it, grouped.
func TestEvidenceSizeShownOnce(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0740", "")
	b := e.client()
	b.login("admin")
	small := uploaded(t, b, c.ID, "短信.txt", "other", []byte("对方回复：月底付款。"))
	large := uploaded(t, b, c.ID, "对账单.txt", "statement", bytes.Repeat([]byte("2026-03-01 货款 386,500.00\n"), 50000))
	size := regexp.MustCompile(`(?s)<dt>(?:大小|Size)</dt><dd>(.*?)</dd>`)
	for _, tt := range []struct {
		name, id, lang, want string
	}{
		{"OK/SmallZH", small, "zh-CN", "30 B"},
		{"OK/LargeZH", large, "zh-CN", "1.4 MiB（1,450,000 字节）"},
		{"OK/LargeEN", large, "en", "1.4 MiB (1,450,000 bytes)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := "/evidence/" + tt.id
			if r := b.post("/lang", url.Values{"csrf": {b.csrf(path)}, "lang": {tt.lang}, "back": {path}}); r.Status != http.StatusSeeOther {
				t.Fatalf("language: %d", r.Status)
			}
			m := size.FindStringSubmatch(b.get(path).Body)
			if m == nil || m[1] != tt.want {
				t.Errorf("size shown as %q, want %q", m, tt.want)
			}
		})
	}
}
