package web

import (
	"io/fs"
	"regexp"
	"testing"
)

// Every key a template asks for exists in both languages, so no page ever
// shows a raw key.
func TestCatalogueCoversTemplates(t *testing.T) {
	keyRE := regexp.MustCompile(`\.M\.T "([a-z0-9_.]+)"|\bfield [.$]\S* "[^"]+" "([a-z0-9_.]+)"|ffield [.$]\S* "[^"]+" "[^"]+" "([a-z0-9_.]+)"`)
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		b, _ := fs.ReadFile(templateFS, n)
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			key := m[1] + m[2] + m[3]
			pair, ok := catalogue[key]
			if !ok {
				t.Errorf("%s: no message %q", n, key)
				continue
			}
			if pair[0] == "" || pair[1] == "" {
				t.Errorf("%s: message %q lacks a language", n, key)
			}
		}
	}
	for _, k := range []string{"flash.created", "flash.stage", "flash.communication", "flash.hold", "flash.user",
		"flash.grant", "flash.revoke", "flash.document", "flash.bundle", "flash.share_revoked", "form.date",
		"login.bad", "login.ratelimited", "error.403", "error.404", "error.422", "error.500", "upload.refresh"} {
		if _, ok := catalogue[k]; !ok {
			t.Errorf("no message %q used by the Go code", k)
		}
	}
}

func TestSafeHighlight(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"OK", "拖欠<mark>货款</mark> &amp; 利息", "拖欠<mark>货款</mark> &amp; 利息"},
		{"ErrScript", "<mark>a</mark><script>x</script>", "&lt;mark&gt;a&lt;/mark&gt;&lt;script&gt;x&lt;/script&gt;"},
		{"ErrMarkAttribute", `<mark onclick="x">a</mark>`, "&lt;mark onclick=&#34;x&#34;&gt;a&lt;/mark&gt;"},
		{"ErrLoneBracket", "a > b <mark>c</mark>", "a &gt; b &lt;mark&gt;c&lt;/mark&gt;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(safeHighlight(tt.in)); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{"/cases?q=1": "/cases?q=1", "//evil.example": "/", "https://x.example/": "/",
		"/\\evil": "/", "": "/", "cases": "/"} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}
