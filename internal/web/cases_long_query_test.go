package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A case list search text over 1000 characters (typed in the list's own
// search box) answered the bare error page, losing the box's text and the
// other filters; it is now the list page with q's error in the page's
// language and every filter kept.
func TestCaseListLongQuery(t *testing.T) {
	e := newEnv(t, false)
	b := e.client()
	b.login("admin")
	long := strings.Repeat("债", 1001)
	q := url.Values{"q": {long}, "bucket": {"warning"}, "stage": {"negotiation"}}
	r := b.get("/cases?" + q.Encode())
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-q-err">最多 1000 个字符`) ||
		!strings.Contains(r.Body, `value="`+long+`"`) || !strings.Contains(r.Body, `value="warning" selected`) ||
		!strings.Contains(r.Body, `value="negotiation" selected`) || !strings.Contains(r.Body, `role="alert">请修改标出的字段`) {
		i := strings.Index(r.Body, "<main")
		t.Errorf("%d %.3000s", r.Status, strings.ReplaceAll(r.Body[max(i, 0):], long, "…"))
	}
	// A refused bookmark (no field to mark) keeps the error page.
	if r := b.get("/cases?bucket=bogus&q=x"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "bucket: ") {
		t.Errorf("bucket=bogus: %d", r.Status)
	}
}
