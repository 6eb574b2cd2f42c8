package dossier

import (
	"runtime/debug"
	"testing"
)

func TestSetServerGC(t *testing.T) {
	prev := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(prev) })

	t.Setenv("GOGC", "")
	if got := SetServerGC(); got != ServerGCPercent {
		t.Fatalf("without GOGC: %d, want %d", got, ServerGCPercent)
	}
	if cur := debug.SetGCPercent(100); cur != ServerGCPercent {
		t.Fatalf("runtime GC percent %d, want %d", cur, ServerGCPercent)
	}

	// The operator's GOGC (which the runtime read at start-up) wins.
	debug.SetGCPercent(150)
	t.Setenv("GOGC", "150")
	if got := SetServerGC(); got != 150 {
		t.Fatalf("with GOGC=150: %d, want 150", got)
	}
	if cur := debug.SetGCPercent(100); cur != 150 {
		t.Fatalf("runtime GC percent %d changed despite GOGC", cur)
	}
}
