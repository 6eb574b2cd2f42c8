package httpapi_test

import (
	"net/http"
	"testing"
)

// PATCH /api/v1/cases/{id} with "principal": null, "due_date": null or
// "debtor": null answered 200 and changed nothing, so a client that meant
// to clear a field was told it had. A null is now 422 naming the field, and
// the case is unchanged.
func TestPatchCaseNullRefused(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.login("admin", adminPassword)
	c := e.createCase(admin, "2026-HZ-0950").ID
	for _, field := range []string{"principal", "due_date", "debtor", "contract_no", "stage"} {
		r := e.do("PATCH", "/api/v1/cases/"+c, admin, map[string]any{field: nil, "title": "改过的标题"})
		p := r.problem(t)
		if r.Status != http.StatusUnprocessableEntity || len(p.Errors) != 1 || p.Errors[0].Field != field {
			t.Errorf("%s: null: %d %s", field, r.Status, r.Body)
		}
	}
	var got struct {
		Title string `json:"title"`
	}
	r := e.do("GET", "/api/v1/cases/"+c, admin, nil)
	r.json(t, &got)
	if got.Title == "改过的标题" {
		t.Errorf("a refused patch changed the case")
	}
	if r := e.do("PATCH", "/api/v1/cases/"+c, admin, map[string]any{"title": "改过的标题"}); r.Status != http.StatusOK {
		t.Errorf("a patch without nulls: %d %s", r.Status, r.Body)
	}
}
