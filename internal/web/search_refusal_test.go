package web_test

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/dossier"
)

// searchEnv is newEnv's services with the search page wired to a real
// bleve index.
func searchEnv(t *testing.T) *env {
	t.Helper()
	blobs, err := disk.New(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return newEnvOn(t, false, blobs, true)
}

// The search page says why a query was refused in the page's language;
// it used to print the search engine's English on Chinese pages.
func TestSearchRefusalInPageLanguage(t *testing.T) {
	e := searchEnv(t)
	e.user("firm-zh", dossier.RoleExternal)
	zh := e.client()
	zh.login("firm-zh")
	words := make([]string, 40)
	for i := range words {
		words[i] = "w" + strings.Repeat("x", i%5+1)
	}
	for q, want := range map[string]string{
		"/search?q=" + strings.Repeat("a", 1200):                 "检索词超过 1000 个字符",
		"/search?q=" + url.QueryEscape(strings.Join(words, " ")): "检索词超过 32 个",
		"/search?q=alpha&cursor=zz":                              "分页位置无效",
	} {
		r := zh.browse(http.MethodGet, q, nil)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `role="alert">`+want) {
			i := strings.Index(r.Body, `role="alert"`)
			t.Errorf("%.60s: want %q, got %d %.120s", q, want, r.Status, r.Body[max(i, 0):])
		}
	}
	en := e.client()
	en.login("admin")
	en.post("/lang", url.Values{"csrf": {en.csrf("/cases")}, "lang": {"en"}})
	r := en.browse(http.MethodGet, "/search?q="+strings.Repeat("a", 1200), nil)
	if !strings.Contains(r.Body, `role="alert">query longer than 1000 characters`) {
		i := strings.Index(r.Body, `role="alert"`)
		t.Errorf("en: %.120s", r.Body[max(i, 0):])
	}
}
