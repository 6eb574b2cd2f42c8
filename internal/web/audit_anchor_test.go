package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// The audit page verifies the chain through heads the auditor kept: the
// true head passes and is counted, another hash at that seq is reported
// broken there, a malformed one is refused naming the field.
func TestAuditPageAnchors(t *testing.T) {
	e := newEnv(t, false)
	e.newCase("2026-HZ-0901", "")
	b := e.client()
	b.login("admin")
	for i := 0; i < 3; i++ {
		b.get("/cases")
	}
	if err := e.audit.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/audit?limit=4", nil)
	req.Header.Set("Authorization", "Bearer "+e.token("admin"))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Items []struct {
			Seq  int64
			Hash string
		}
	}
	err = json.NewDecoder(res.Body).Decode(&page)
	res.Body.Close()
	if err != nil || len(page.Items) < 4 {
		t.Fatalf("events: %v %+v", err, page.Items)
	}
	head := func(i, j int) string { return strconv.FormatInt(page.Items[i].Seq, 10) + ":" + page.Items[j].Hash }

	p := b.get("/audit/verify?anchors=" + url.QueryEscape(head(1, 1)+"\n"+head(3, 3)))
	if p.Status != 200 || !strings.Contains(p.Body, `<span class="ok">`) || !strings.Contains(p.Body, `id="audit-anchors-checked">2<`) {
		t.Errorf("true heads: %d\n%s", p.Status, p.Body)
	}
	p = b.get("/audit/verify?anchors=" + url.QueryEscape(head(1, 2)))
	if p.Status != 200 || !strings.Contains(p.Body, `<span class="bad">`) || !strings.Contains(p.Body, strconv.FormatInt(page.Items[1].Seq, 10)) {
		t.Errorf("a head the chain does not pass through: %d\n%s", p.Status, p.Body)
	}
	p = b.get("/audit/verify?anchors=first")
	if p.Status != 422 || !strings.Contains(p.Body, `id="anchors-error">&#34;first&#34; 不是“序号:哈希”格式`) {
		t.Errorf("malformed head: %d\n%s", p.Status, p.Body)
	}
}
