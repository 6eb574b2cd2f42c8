package testenv

import (
	"runtime/debug"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// ServerGC makes the collector run as it does in `dossier serve` for the
// rest of tb (benchmarks whose memory or latency figures stand for the
// server's), restores the previous setting afterwards, and returns the
// percentage in effect.
func ServerGC(tb testing.TB) int {
	prev := debug.SetGCPercent(100)
	debug.SetGCPercent(prev)
	tb.Cleanup(func() { debug.SetGCPercent(prev) })
	return dossier.SetServerGC()
}
