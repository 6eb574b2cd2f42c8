package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/search"
)

// snippets returns the search page's snippets as the HTML shows them.
func snippets(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<p class="snip">(.*?)</p>`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// A snippet cut out of a longer text shows one "…" where it is cut, and a
// text shown whole none: the page added its own "…" around the one the
// search already put there ("……").
func TestSearchPageSnippetEllipsis(t *testing.T) {
	e := searchEnv(t)
	c := e.newCase("2026-HZ-0001", "货款纠纷")
	long := strings.Repeat("前文", 150) + "债务人承认拖欠货款" + strings.Repeat("后文", 150)
	if err := e.index.Index(
		search.Doc{EvidenceID: "long", CaseID: c.ID, CaseNumber: c.Number, Kind: "chat", Title: "微信记录",
			Text: long, CreatedAt: time.Now()},
		search.Doc{EvidenceID: "short", CaseID: c.ID, CaseNumber: c.Number, Kind: "chat", Title: "短信",
			Text: "拖欠货款", CreatedAt: time.Now()},
	); err != nil {
		t.Fatal(err)
	}
	e.user("counsel", dossier.RoleCounsel)
	cl := e.client()
	cl.login("counsel")
	r := cl.browse(http.MethodGet, "/search?"+url.Values{"q": {"拖欠"}}.Encode(), nil)
	got := snippets(r.Body)
	if r.Status != http.StatusOK || len(got) != 2 {
		t.Fatalf("%d, snippets %q", r.Status, got)
	}
	var cut, whole int
	for _, s := range got {
		switch {
		case strings.Contains(s, "……"):
			t.Errorf("snippet with two ellipses: %s", s)
		case s == "<mark>拖欠</mark>货款":
			whole++
		case strings.HasPrefix(s, "…") && strings.HasSuffix(s, "…") && strings.Contains(s, "<mark>拖欠</mark>"):
			cut++
		default:
			t.Errorf("snippet %s", s)
		}
	}
	if cut != 1 || whole != 1 {
		t.Errorf("snippets %q: want one cut at both ends, one whole", got)
	}
}
