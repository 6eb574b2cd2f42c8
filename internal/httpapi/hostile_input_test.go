package httpapi_test

import (
	"testing"
)

// A value of the wrong type or an unknown key inside an object or a list
// is named by its full path ("debtor.kind", "items[0].evidence_id") with the
// type expected there. Only the top-level field was named, with the inner
// value's type: "debtor: must be of type string" about an object, and
// "debtor: is not a known field" about a field the API documents.
func TestHostileNestedFieldNamed(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.login("admin", adminPassword)
	c := e.createCase(admin, "2026-HZ-0001")
	tests := []struct {
		name, method, path, body string
		field, message           string
	}{
		{"ErrTopLevel", "PATCH", "/api/v1/cases/" + c.ID, `{"title":5}`, "title", "must be of type string"},
		{"ErrPartyField", "PATCH", "/api/v1/cases/" + c.ID, `{"debtor":{"name":5,"kind":"person"}}`, "debtor.name", "must be of type string"},
		{"ErrPartyUnknown", "PATCH", "/api/v1/cases/" + c.ID, `{"debtor":{"name":"张三","nmae":"x"}}`, "debtor.nmae", "is not a known field"},
		{"ErrPartyNotObject", "PATCH", "/api/v1/cases/" + c.ID, `{"creditor":"杭州甲科技有限公司"}`, "creditor", "must be of type object"},
		{"ErrAliasElement", "PATCH", "/api/v1/cases/" + c.ID, `{"debtor":{"name":"张三","aliases":["三",3]}}`, "debtor.aliases[1]", "must be of type string"},
		{"ErrEvidenceIDElement", "POST", "/api/v1/cases/" + c.ID + "/communications",
			`{"occurred_at":"2026-01-02T10:00:00+08:00","channel":"phone","summary":"s","evidence_ids":["a",5]}`, "evidence_ids[1]", "must be of type string"},
		{"ErrBundleItemField", "POST", "/api/v1/cases/" + c.ID + "/bundles",
			`{"title":"B","items":[{"evidence_id":"a","purpose":"p"},{"evidence_id":5,"purpose":"p"}]}`, "items[1].evidence_id", "must be of type string"},
		{"ErrBundleItemUnknown", "POST", "/api/v1/cases/" + c.ID + "/bundles",
			`{"title":"B","items":[{"evidenceid":"a","purpose":"p"}]}`, "items[0].evidenceid", "is not a known field"},
		{"ErrBundleItemsNotList", "POST", "/api/v1/cases/" + c.ID + "/bundles",
			`{"title":"B","items":{"evidence_id":"a"}}`, "items", "must be of type array"},
		{"ErrDocumentFieldNumber", "POST", "/api/v1/cases/" + c.ID + "/documents",
			`{"template":"lawyer_letter","fields":{"firm_name":"f","deadline_days":true}}`, "deadline_days", "must be a string, or a number for an int or money field"},
		{"ErrMoneyInsideParty", "POST", "/api/v1/cases/" + c.ID + "/communications",
			`{"occurred_at":"2026-01-02T10:00:00+08:00","channel":"phone","summary":"s","promise_amount":"1.001"}`, "promise_amount", `amount "1.001" must be digits with at most 2 decimals`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.send(tt.method, tt.path, admin, "application/json", []byte(tt.body), nil)
			if r.Status != 422 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			p := r.problem(t)
			if len(p.Errors) != 1 || p.Errors[0].Field != tt.field || p.Errors[0].Message != tt.message {
				t.Fatalf("want only %s: %q, got %s", tt.field, tt.message, r.Body)
			}
		})
	}
}
