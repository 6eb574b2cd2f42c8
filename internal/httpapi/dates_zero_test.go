package httpapi_test

import (
	"testing"
)

// A date or time of 0001-01-01 given explicitly is Go's zero time, which
// reads as "absent": the 422 said the field "is required" although the
// client sent it. It now says the value is out of range.
func TestZeroDateOutOfRange(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.login("admin", adminPassword)
	c := e.createCase(admin, "2026-HZ-0001")
	tests := []struct {
		method, path, field string
		body                map[string]any
	}{
		{"POST", "/api/v1/cases/" + c.ID + "/communications", "occurred_at",
			map[string]any{"occurred_at": "0001-01-01T00:00:00Z", "channel": "phone", "summary": "催款"}},
		{"POST", "/api/v1/cases/" + c.ID + "/communications", "occurred_at",
			map[string]any{"occurred_at": "0001-01-01T08:00:00+08:00", "channel": "phone", "summary": "催款"}},
		{"POST", "/api/v1/cases/" + c.ID + "/payments", "paid_at",
			map[string]any{"paid_at": "0001-01-01T00:00:00Z", "amount": "100.00", "method": "bank_transfer"}},
		{"PATCH", "/api/v1/cases/" + c.ID, "due_date", map[string]any{"due_date": "0001-01-01"}},
		{"POST", "/api/v1/cases", "due_date", map[string]any{"number": "2026-HZ-0002", "principal": "100.00",
			"due_date": "0001-01-01", "creditor": map[string]any{"name": "甲公司", "kind": "company"},
			"debtor": map[string]any{"name": "乙公司", "kind": "company"}}},
	}
	for _, tc := range tests {
		r := e.do(tc.method, tc.path, admin, tc.body)
		if r.Status != 422 {
			t.Errorf("%s %s %s=0001-01-01: %d %s", tc.method, tc.path, tc.field, r.Status, r.Body)
			continue
		}
		p := r.problem(t)
		found := false
		for _, fe := range p.Errors {
			if fe.Field == tc.field {
				found = true
				if fe.Message != "is out of range" {
					t.Errorf("%s %s: %s says %q, want is out of range", tc.method, tc.path, tc.field, fe.Message)
				}
			}
		}
		if !found {
			t.Errorf("%s %s: %s not named: %s", tc.method, tc.path, tc.field, r.Body)
		}
	}
	// A summary that merely reads like a date is text, and an empty date
	// still means none.
	r := e.do("POST", "/api/v1/cases/"+c.ID+"/communications", admin,
		map[string]any{"occurred_at": "2026-03-01T09:00:00+08:00", "channel": "phone", "summary": "0001-01-01"})
	if r.Status != 201 {
		t.Errorf("summary 0001-01-01: %d %s", r.Status, r.Body)
	}
}
