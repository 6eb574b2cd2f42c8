package web_test

import (
	"encoding/csv"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// A Chinese auditor reads the trail in Chinese: each action by its label
// with its code beside it (the code is what the filter, the API and the
// CSV use), the anonymous caller as 匿名, object types by name. The
// recorded details stay exactly as recorded, and the CSV keeps the codes.
// The page used to show raw codes ("web.evidence.content", "http.get") and
// "anonymous".
func TestAuditPageLabels(t *testing.T) {
	e := newEnv(t, false)
	e.user("auditor1", dossier.RoleAuditor)
	c := e.newCase("2026-HZ-0900", "")
	adm := e.client()
	adm.login("admin")
	eid := uploaded(t, adm, c.ID, "对账单.txt", "other", []byte("对账单 2026"))
	if r := adm.get("/evidence/" + eid + "/raw"); r.Status != http.StatusOK {
		t.Fatalf("evidence content: %d", r.Status)
	}
	anon := e.client()
	if r := anon.get("/favicon.ico"); r.Status != http.StatusNotFound {
		t.Fatalf("favicon: %d", r.Status)
	}
	au := e.client()
	au.login("auditor1")

	p := au.get("/audit")
	if p.Status != http.StatusOK {
		t.Fatalf("audit page: %d", p.Status)
	}
	for _, want := range []string{
		"查看/下载证据内容（网页）<div class=\"muted mono\">web.evidence.content</div>",
		"上传证据<div class=\"muted mono\">evidence.upload</div>",
		"其他 HTTP 请求（GET）<div class=\"muted mono\">http.get</div>",
		`<span title="anonymous">匿名（未登录）</span>`,
		`<span title="evidence">证据</span>`,
		`<option value="web.evidence.content">查看/下载证据内容（网页）</option>`,
	} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("zh-CN audit page lacks %q", want)
		}
	}
	if strings.Contains(p.Body, "<td>anonymous") {
		t.Error("zh-CN audit page names the anonymous caller in English")
	}

	// The export keeps the codes, and every detail it holds shows on the
	// page exactly as recorded.
	x := au.get("/audit/export.csv")
	rows, err := csv.NewReader(strings.NewReader(x.Body)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("export: %v, %d rows", err, len(rows))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	codes := map[string]bool{}
	for _, r := range rows[1:] {
		codes[r[col["action"]]+" "+r[col["actor"]]] = true
		if d := r[col["detail"]]; d != "" && !strings.Contains(p.Body, `<td class="detail">`+html.EscapeString(d)+`</td>`) {
			t.Errorf("the detail %q is not on the page as recorded", d)
		}
	}
	for _, want := range []string{"web.evidence.content admin", "evidence.upload admin", "http.get anonymous"} {
		if !codes[want] {
			t.Errorf("the export lacks an event %q (has %v)", want, codes)
		}
	}

	// The filter still takes the codes.
	f := au.get("/audit?action=web.evidence.content")
	if !strings.Contains(f.Body, "web.evidence.content</div>") || strings.Contains(f.Body, "evidence.upload</div>") {
		t.Errorf("filter by action code: %.300s", f.Body)
	}

	if r := au.post("/lang", url.Values{"csrf": {au.csrf("/audit")}, "lang": {"en"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("lang: %d", r.Status)
	}
	p = au.get("/audit")
	for _, want := range []string{
		"Evidence content viewed (web)<div class=\"muted mono\">web.evidence.content</div>",
		`<span title="anonymous">anonymous (not signed in)</span>`,
	} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("English audit page lacks %q", want)
		}
	}
}
