package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// GET /api/v1/templates gives fields types such as "int 1..90" and
// "money", but POST …/documents refused a JSON number for them ("must be of
// type string"): a client had to quote 7 as "7". A number is now taken as
// the digits it was written with, and checked as the same string would be.
func TestDocumentFieldNumbers(t *testing.T) {
	e := newEnv(t, "sqlite")
	withDocuments(t, e, nil)
	admin := e.login("admin", adminPassword)
	c := e.createCase(admin, "2026-HZ-0960")
	fields := func(extra map[string]any) map[string]any {
		f := map[string]any{}
		for k, v := range letterFields {
			f[k] = v
		}
		for k, v := range extra {
			f[k] = v
		}
		return f
	}
	post := func(f map[string]any) *response {
		return e.do("POST", "/api/v1/cases/"+c.ID+"/documents", admin,
			map[string]any{"template": "lawyer_letter", "lang": "zh-CN", "fields": f})
	}
	r := post(fields(map[string]any{"deadline_days": 10, "paid": json.RawMessage(`1000.50`)}))
	if r.Status != http.StatusCreated {
		t.Fatalf("numbers for int and money fields: %d %s", r.Status, r.Body)
	}
	var doc struct {
		Fields map[string]string `json:"fields"`
	}
	r.json(t, &doc)
	if doc.Fields["deadline_days"] != "10" || doc.Fields["paid"] != "1000.50" {
		t.Errorf("fields stored as %q and %q, want the digits sent", doc.Fields["deadline_days"], doc.Fields["paid"])
	}
	for _, tc := range []struct {
		name  string
		value any
	}{{"deadline_days", 0}, {"deadline_days", 1.5}, {"deadline_days", true}, {"paid", json.RawMessage(`1e400`)}, {"paid", []int{1}}} {
		r := post(fields(map[string]any{tc.name: tc.value}))
		p := r.problem(t)
		if r.Status != http.StatusUnprocessableEntity || len(p.Errors) != 1 || p.Errors[0].Field != tc.name {
			t.Errorf("%s=%v: %d %s", tc.name, tc.value, r.Status, r.Body)
		}
	}
}
