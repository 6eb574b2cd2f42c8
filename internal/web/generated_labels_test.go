package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Generated documents and bundles are not uploads: their tables said
// "上传时间" (uploaded at), and a document offered as an exhibit read
// "律师函 (zh-CN)", a locale code no lawyer writes. They now say when it was
// generated or created, and name the language.
func TestGeneratedItemsLabels(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0720", "")
	b := e.client()
	b.login("admin")
	generateLetter(t, b, c.ID)
	header := regexp.MustCompile(`(?s)<table id="(documents-table|bundles-table)">.*?</thead>`)
	for _, tt := range []struct {
		name, path, lang string
		want             []string
	}{
		{"OK/DocumentsZH", "/cases/" + c.ID + "/documents", "zh-CN", []string{"生成时间"}},
		{"OK/BundlesZH", "/cases/" + c.ID + "/bundles", "zh-CN", []string{"创建时间", "律师函（中文）"}},
		{"OK/DocumentsEN", "/cases/" + c.ID + "/documents", "en", []string{"Generated"}},
		{"OK/BundlesEN", "/cases/" + c.ID + "/bundles", "en", []string{"Created", "letter (Chinese)"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if r := b.post("/lang", url.Values{"csrf": {b.csrf(tt.path)}, "lang": {tt.lang}, "back": {tt.path}}); r.Status != http.StatusSeeOther {
				t.Fatalf("language: %d", r.Status)
			}
			p := b.get(tt.path)
			mustContain(t, tt.path, p.Body, tt.want...)
			if h := header.FindString(p.Body); strings.Contains(h, "上传时间") || strings.Contains(h, ">Added<") {
				t.Errorf("%s calls a generated item's time its upload time:\n%s", tt.path, h)
			}
			if strings.Contains(p.Body, "(zh-CN)") {
				t.Errorf("%s names the language by its code", tt.path)
			}
		})
	}
}

// generateLetter generates a Chinese lawyer's letter for the case through
// the documents page.
func generateLetter(t *testing.T, b *client, caseID string) {
	t.Helper()
	form := url.Values{"csrf": {b.csrf("/cases/" + caseID + "/documents")}, "template": {"lawyer_letter"}, "lang": {"zh-CN"}}
	for k, v := range map[string]string{"firm_name": "浙江明理律师事务所", "ref_no": "（2026）明律函字第 1 号",
		"contract_date": "2026-01-10", "contract_no": "HT-1", "bank": "工商银行", "account_no": "1001",
		"lawyer_name": "王明", "licence_no": "13301201510123456"} {
		form.Set("field."+k, v)
	}
	if r := b.post("/cases/"+caseID+"/documents", form); r.Status != http.StatusSeeOther {
		t.Fatalf("generate: %d\n%s", r.Status, r.Body)
	}
}
