package web_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
)

// The pages' stylesheet and script are fetched with every page: each fetch
// was recorded as an anonymous "other HTTP request" (http.get) with an empty
// detail, so an auditor met two unexplained events per page view. They are
// recorded as web.static with the file's path.
func TestStaticFilesAudited(t *testing.T) {
	e := newEnv(t, false)
	anon := e.client()
	for _, p := range []string{"/static/app.css", "/static/app.js"} {
		if r := anon.get(p); r.Status != http.StatusOK {
			t.Fatalf("%s: %d", p, r.Status)
		}
	}
	adm := e.client()
	adm.login("admin")
	rows, err := csv.NewReader(strings.NewReader(adm.get("/audit/export.csv").Body)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("export: %v, %d rows", err, len(rows))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	seen := map[string]int{}
	for _, r := range rows[1:] {
		if r[col["action"]] == "http.get" {
			t.Errorf("an unnamed GET was recorded: %v", r)
		}
		if r[col["action"]] == "web.static" {
			seen[r[col["detail"]]]++
		}
	}
	for _, p := range []string{"/static/app.css", "/static/app.js"} {
		if seen[p] != 1 {
			t.Errorf("%s recorded %d times as web.static (%v)", p, seen[p], seen)
		}
	}
}
