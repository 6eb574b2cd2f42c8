package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

var (
	auditCSVLinkRE  = regexp.MustCompile(`href="(/audit/export\.csv[^"]*)" id="audit-csv"`)
	auditNextLinkRE = regexp.MustCompile(`<p class="pager"><a href="(/audit\?[^"]*)"`)
	auditFirstSeqRE = regexp.MustCompile(`<tbody><tr>\s*<td>(\d+)</td>`)
)

// The auditor follows the page's own links: "Export CSV" exports what the
// filter selects (not the whole trail), and "Next" shows the events after
// the first page with the same filter (not the first page again). Both
// links used to carry their query escaped whole ("?actor%3d…"), which the
// server reads as one empty parameter.
func TestAuditPageLinksKeepFilter(t *testing.T) {
	e := newEnv(t, false)
	e.user("auditor1", dossier.RoleAuditor)
	adm := e.client()
	adm.login("admin")
	adm.get("/cases")
	au := e.client()
	au.login("auditor1")
	for i := 0; i < 205; i++ { // more than one page (200) of the auditor's own reads
		au.get("/cases")
	}

	p := au.get("/audit?actor=auditor1&action=web.case.list")
	if p.Status != http.StatusOK {
		t.Fatalf("audit page: %d", p.Status)
	}
	m := auditCSVLinkRE.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no export link on the page:\n%s", p.Body)
	}
	csv := au.get(html.UnescapeString(m[1]))
	if csv.Status != http.StatusOK || !strings.HasPrefix(csv.Body, "seq,at,actor") {
		t.Fatalf("export: %d %.200s", csv.Status, csv.Body)
	}
	lines := strings.Split(strings.TrimSpace(csv.Body), "\n")[1:]
	for _, l := range lines {
		if !strings.Contains(l, ",auditor1,") || !strings.Contains(l, "web.case.list") {
			t.Fatalf("export link %s exported an event outside the filter: %s", m[1], l)
		}
	}
	if len(lines) < 205 {
		t.Fatalf("export has %d events, want at least 205", len(lines))
	}

	first := auditFirstSeqRE.FindStringSubmatch(p.Body)
	n := auditNextLinkRE.FindStringSubmatch(p.Body)
	if first == nil || n == nil {
		t.Fatalf("first row or next link missing (first=%v next=%v)", first, n)
	}
	p2 := au.get(html.UnescapeString(n[1]))
	second := auditFirstSeqRE.FindStringSubmatch(p2.Body)
	if p2.Status != http.StatusOK || second == nil {
		t.Fatalf("next page %s: %d", n[1], p2.Status)
	}
	if second[1] == first[1] || len(second[1]) < len(first[1]) || (len(second[1]) == len(first[1]) && second[1] < first[1]) {
		t.Fatalf("next link %s shows the events from #%s again (first page starts at #%s)", n[1], second[1], first[1])
	}
	if strings.Contains(p2.Body, "<td>admin <span") {
		t.Fatalf("next page %s lost the actor filter", n[1])
	}
}

// A verification through a kept head that the chain does not pass says
// why in the page's language, and the filter form is named for what it
// filters.
func TestAuditVerifyReasonInPageLanguage(t *testing.T) {
	e := newEnv(t, false)
	e.user("auditor1", dossier.RoleAuditor)
	au := e.client()
	au.login("auditor1")
	au.get("/cases")
	wrong := "/audit/verify?anchors=" + url.QueryEscape("1:"+strings.Repeat("0", 64))
	p := au.get(wrong)
	m := auditVerifyRE.FindStringSubmatch(p.Body)
	if m == nil || !strings.Contains(m[1], "✘") {
		t.Fatalf("verify through a wrong head: %d, no failure shown:\n%s", p.Status, p.Body)
	}
	if reason := m[1][strings.Index(m[1], "</span>"):]; !anyHan.MatchString(reason) || strings.Contains(reason, "differs") {
		t.Errorf("reason on a Chinese page: %q", reason)
	}
	if !strings.Contains(p.Body, `aria-label="筛选审计事件"`) {
		t.Error("the audit filter is labelled as a case filter")
	}

	if r := au.post("/lang", url.Values{"csrf": {au.csrf("/audit")}, "lang": {"en"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("lang: %d", r.Status)
	}
	m = auditVerifyRE.FindStringSubmatch(au.get(wrong).Body)
	if m == nil || !strings.Contains(m[1], "differs from") {
		t.Errorf("reason on an English page: %v", m)
	}
}

var auditVerifyRE = regexp.MustCompile(`id="audit-verify">(.*?)</dd>`)
