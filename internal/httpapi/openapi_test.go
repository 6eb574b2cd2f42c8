package httpapi_test

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/httpapi"
)

// TestOpenAPIMatchesRoutes fails when a route is registered without being
// documented, or documented without being registered.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	env := newEnv(t, "sqlite")
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	param := regexp.MustCompile(`:([a-z_]+)`)
	registered := map[string]bool{}
	for _, r := range env.api.Echo.Routes() {
		if r.Method == "echo_route_not_found" || strings.HasPrefix(r.Path, "/static") {
			continue
		}
		if !strings.HasPrefix(r.Path, "/api/") && !isOps(r.Path) {
			continue // web pages are not part of the API contract
		}
		registered[strings.ToLower(r.Method)+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			documented[m+" "+p] = true
		}
	}
	var missing, stale []string
	for k := range registered {
		// Every GET answers HEAD too, as the description says.
		if path, ok := strings.CutPrefix(k, "head "); ok && documented["get "+path] {
			continue
		}
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !registered[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("routes missing from openapi.json: %v", missing)
	}
	if len(stale) > 0 {
		t.Errorf("openapi.json paths not registered: %v", stale)
	}
}

func isOps(p string) bool {
	return p == "/healthz" || p == "/readyz" || p == "/metrics" || strings.HasPrefix(p, "/s/")
}
