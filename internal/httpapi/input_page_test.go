package httpapi_test

import (
	"fmt"
	"testing"
	"time"
)

// The lists a service returns whole (payments here; communications,
// plans, filings, documents, bundles, shares, versions, users likewise)
// take limit and cursor as every list does: garbage is 422 naming the
// parameter, and the pages together hold every item once. They ignored
// both: limit=abc or limit=100000 answered 200 with everything.
func TestInputWholeListPaging(t *testing.T) {
	e := newEnv(t, "sqlite")
	withRecovery(t, e)
	admin := e.login("admin", adminPassword)
	c := e.createCase(admin, "2026-HZ-0001")
	base := "/api/v1/cases/" + c.ID + "/payments"
	for i := range 5 {
		r := e.do("POST", base, admin, map[string]any{"paid_at": time.Now().UTC().Add(-time.Duration(i+1) * time.Hour).Format(time.RFC3339),
			"amount": fmt.Sprintf("%d.00", 100+i), "method": "bank_transfer"})
		if r.Status != 201 {
			t.Fatalf("payment: %d %s", r.Status, r.Body)
		}
	}
	for q, field := range map[string]string{"limit=abc": "limit", "limit=0": "limit", "limit=501": "limit",
		"cursor=zz": "cursor", "cursor=o99": "cursor", "cursor=o-1": "cursor", "cursor=o01": "cursor"} {
		r := e.do("GET", base+"?"+q, admin, nil)
		if r.Status != 422 {
			t.Fatalf("%s: %d %s", q, r.Status, r.Body)
		}
		if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != field {
			t.Fatalf("%s: want %s named, got %s", q, field, r.Body)
		}
	}
	seen := map[string]bool{}
	next, pages := "", 0
	for {
		var page struct {
			Items []struct{ ID string }
			Total int
			Next  string
		}
		r := e.do("GET", base+"?limit=2&cursor="+next, admin, nil)
		if r.Status != 200 {
			t.Fatalf("page %d: %d %s", pages, r.Status, r.Body)
		}
		r.json(t, &page)
		if page.Total != 5 || len(page.Items) > 2 {
			t.Fatalf("page %d: %s", pages, r.Body)
		}
		for _, it := range page.Items {
			if seen[it.ID] {
				t.Fatalf("payment %s on two pages", it.ID)
			}
			seen[it.ID] = true
		}
		pages++
		if next = page.Next; next == "" {
			break
		}
	}
	if len(seen) != 5 || pages != 3 {
		t.Fatalf("%d payments over %d pages, want 5 over 3", len(seen), pages)
	}
}
