package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestHoldFormValidatedByServer: the legal-hold form's reason is required,
// and like every other form the page leaves checking it to the server
// (novalidate), so an empty submit shows our error by the field in the
// page's language, not the browser's own bubble.
func TestHoldFormValidatedByServer(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0770", "")
	b := e.client()
	b.login("admin")
	id := uploaded(t, b, c.ID, "合同.txt", "contract", []byte("买卖合同"))
	path := "/evidence/" + id
	form := regexp.MustCompile(`<form [^>]*action="/evidence/` + id + `/hold"[^>]*>`).FindString(b.get(path).Body)
	if form == "" {
		t.Fatal("no hold form on the evidence page")
	}
	if !strings.Contains(form, " novalidate") {
		t.Errorf("hold form %s: the browser checks the required reason before the server can say why", form)
	}
	r := b.post(path+"/hold", url.Values{"csrf": {b.csrf(path)}, "hold": {"true"}, "reason": {""}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-reason-err"`) {
		t.Errorf("empty reason: %d, want 422 with the error by the field", r.Status)
	}
}
