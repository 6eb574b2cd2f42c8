package web_test

import (
	"context"
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

// facetLabels returns the case facet's links (label → case_id) of a search
// page.
func facetLabels(body string) map[string]string {
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`<a href="/search\?[^"]*case_id=(\w+)[^"]*">([^<]+)</a>`).FindAllStringSubmatch(body, -1) {
		out[m[2]] = m[1]
	}
	return out
}

// Every case in the case facet is labelled with its number, also a case
// with no hit on the page shown (it was labelled with its ID), and a case
// the user may not read is neither counted nor named.
func TestSearchPageCaseFacetLabels(t *testing.T) {
	e := searchEnv(t)
	busy := e.newCase("2026-HZ-0001", "货款纠纷")
	quiet := e.newCase("2026-HZ-0002", "借款纠纷")
	hidden := e.newCase("2026-HZ-0003", "机密案件")
	var docs []search.Doc
	// Fifty hits of busy match in the title and rank first: the page of
	// 50 has no hit of quiet.
	for i := range 50 {
		docs = append(docs, search.Doc{EvidenceID: "b" + strings.Repeat("x", i+1), CaseID: busy.ID, CaseNumber: busy.Number,
			Kind: "chat", Title: "货款催收", Text: "拖欠货款", CreatedAt: time.Now()})
	}
	docs = append(docs,
		search.Doc{EvidenceID: "q1", CaseID: quiet.ID, CaseNumber: quiet.Number, Kind: "letter", Title: "律师函",
			Text: "关于货款一事，" + strings.Repeat("请尽快处理。", 30), CreatedAt: time.Now()},
		search.Doc{EvidenceID: "h1", CaseID: hidden.ID, CaseNumber: hidden.Number, Kind: "letter", Title: "货款",
			Text: "货款", CreatedAt: time.Now()})
	if err := e.index.Index(docs...); err != nil {
		t.Fatal(err)
	}
	firm := e.user("firm", dossier.RoleExternal)
	for _, c := range []*dossier.Case{busy, quiet} {
		if _, err := e.acc.Grant(context.Background(), e.admin, c.ID, firm.ID, dossier.AccessRead); err != nil {
			t.Fatal(err)
		}
	}
	cl := e.client()
	cl.login("firm")
	r := cl.browse(http.MethodGet, "/search?"+url.Values{"q": {"货款"}}.Encode(), nil)
	if r.Status != http.StatusOK || strings.Contains(r.Body, `href="/evidence/q1"`) {
		t.Fatalf("%d: the page shows quiet's hit, the test needs it on a later page", r.Status)
	}
	got := facetLabels(r.Body)
	want := map[string]string{busy.Number: busy.ID, quiet.Number: quiet.ID}
	if len(got) != len(want) || got[busy.Number] != busy.ID || got[quiet.Number] != quiet.ID {
		t.Errorf("case facet %v, want %v", got, want)
	}
	if strings.Contains(r.Body, hidden.Number) || strings.Contains(r.Body, hidden.ID) {
		t.Errorf("the page names a case the firm may not read")
	}
	if !strings.Contains(r.Body, ">"+quiet.Number+"</a> (1)") {
		t.Errorf("quiet's facet lacks its count")
	}
}
