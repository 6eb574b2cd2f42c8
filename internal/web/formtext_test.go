package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A form value holding a NUL or bytes that are not UTF-8 is refused with 422
// naming the field, before the handler stores anything.
func TestFormTextBad(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0990", "")
	b := e.client()
	b.login("admin")
	tok := b.csrf("/cases/" + c.ID)
	tests := []struct {
		name, path, field string
		form              url.Values
	}{
		{"CommunicationNUL", "/cases/" + c.ID + "/communications", "summary", url.Values{"channel": {"phone"},
			"occurred_at": {"2026-03-01T10:30"}, "summary": {"x\x00y"}}},
		{"CaseTitleNotUTF8", "/cases", "title", url.Values{"number": {"2026-HZ-0991"}, "title": {"a\xffb"}}},
		{"AdminUserNUL", "/admin/users", "display_name", url.Values{"username": {"nul.user"}, "role": {"counsel"},
			"password": {"a long enough password"}, "display_name": {"a\x00b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("csrf", tok)
			p := b.post(tt.path, tt.form)
			if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "NUL") || !strings.Contains(p.Body, tt.field) {
				t.Fatalf("want 422 naming %s, got %d\n%s", tt.field, p.Status, p.Body)
			}
		})
	}
	if got, err := e.store.Communications(context.Background(), c.ID); err != nil || len(got) != 0 {
		t.Fatalf("communications stored: %d, %v", len(got), err)
	}
}
