package httpapi_test

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// A body of tens of thousands of unknown keys, which anyone may send to
// the login, is refused naming them without work that grows with their
// square: the audit detail appended each field error to a growing string
// (70,000 keys, 900 KB: 13 s of CPU and 650 MB of memory per request). The
// audit event still says what was refused, within its 2,000 characters.
func TestInputManyFieldErrors(t *testing.T) {
	e := newEnv(t, "sqlite")
	m := map[string]int{}
	for i := range 40000 {
		m[fmt.Sprintf("k%05d", i)] = 1
	}
	body, _ := json.Marshal(m)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := e.do("POST", "/api/v1/auth/login", "", string(body))
	runtime.ReadMemStats(&after)
	if r.Status != 422 {
		t.Fatalf("%d %.300s", r.Status, r.Body)
	}
	if p := r.problem(t); len(p.Errors) != 40000 {
		t.Fatalf("%d fields named, want all 40000", len(p.Errors))
	}
	// The whole exchange, server and client in this process, allocates a
	// few times the body; the quadratic detail allocated gigabytes.
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<30 {
		t.Fatalf("one request allocated %d MB", got>>20)
	}
	evs := e.events("auth.login")
	if len(evs) != 1 {
		t.Fatalf("%d login events", len(evs))
	}
	if d := evs[0].Detail; len(d) > 2000 || !strings.Contains(d, "k00000: is not a known field") {
		t.Fatalf("detail of %d bytes: %.200s", len(d), d)
	}
}
