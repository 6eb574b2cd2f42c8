package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// setLang switches b's pages to lang.
func setLang(t *testing.T, b *client, lang string) {
	t.Helper()
	if r := b.post("/lang", url.Values{"csrf": {b.csrf("/cases")}, "lang": {lang}, "back": {"/"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("switch to %s: %d", lang, r.Status)
	}
}

// Putting an item on hold without a reason shows the evidence page again
// with the reason field's message, in the page's language.
func TestEvidenceHoldWithoutReason(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0600", "")
	b := e.client()
	b.login("admin")
	id := uploaded(t, b, c.ID, "a.txt", "other", []byte("凭证"))
	for _, tt := range []struct{ lang, want string }{
		{"zh-CN", "保全时必须填写原因"},
		{"en", "is required to put an item on hold"},
	} {
		func() {
			setLang(t, b, tt.lang)
			r := b.post("/evidence/"+id+"/hold", url.Values{"csrf": {b.csrf("/evidence/" + id)}, "hold": {"true"}, "reason": {" "}})
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-reason-err"`) ||
				!strings.Contains(r.Body, tt.want) || !strings.Contains(r.Body, `id="hold-set"`) {
				t.Fatalf("%s: status %d, want 422 with the evidence page and %q:\n%s", tt.lang, r.Status, tt.want, r.Body)
			}
		}()
	}
}
