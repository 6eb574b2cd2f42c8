package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// A search from/to date the index cannot hold (it keeps int64
// nanoseconds) was a 500 page; it is now the field's error in the page's
// language, with the user's other inputs kept.
func TestSearchDateOutOfRange(t *testing.T) {
	e := searchEnv(t)
	e.user("firm-zh", dossier.RoleExternal)
	zh := e.client()
	zh.login("firm-zh")
	for _, tc := range []struct{ field, value, want string }{
		{"from", "0000-01-01", "应为 1900-01-01 至 2199-12-31 之间的日期"},
		{"to", "9999-12-31", "应为 1900-01-01 至 2199-12-31 之间的日期"},
		{"from", "2026-02-30", "日期格式应为 YYYY-MM-DD"},
		{"to", "garbage", "日期格式应为 YYYY-MM-DD"},
	} {
		q := url.Values{"q": {"合同"}, "kind": {"invoice"}, tc.field: {tc.value}}
		r := zh.browse(http.MethodGet, "/search?"+q.Encode(), nil)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `id="f-`+tc.field+`-err">`+tc.want) ||
			!strings.Contains(r.Body, `value="合同"`) || !strings.Contains(r.Body, `value="`+tc.value+`"`) ||
			!strings.Contains(r.Body, `value="invoice" selected`) {
			t.Errorf("%s=%s: %d %s", tc.field, tc.value, r.Status, r.Body)
		}
	}
}
