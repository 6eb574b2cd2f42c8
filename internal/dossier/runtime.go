package dossier

import (
	"os"
	"runtime/debug"
)

// ServerGCPercent is the garbage collector target `dossier serve` and
// `dossier reindex` run with unless GOGC is set. The server's live heap is
// small (the search index is memory-mapped, uploads and bundles stream
// through fixed buffers), while every search leaves megabytes of short-lived
// garbage: at Go's default of 100 the collector ran every few queries and
// took a fifth of the CPU under load. 400 cut the median latency of eight
// concurrent clients by about a third (docs/benchmarks.md) for a heap that
// may grow to five times the live data instead of twice. GOMEMLIMIT, when
// set, still caps it.
const ServerGCPercent = 400

// SetServerGC applies ServerGCPercent unless the operator set GOGC, and
// returns the percentage in effect.
func SetServerGC() int {
	if v, ok := os.LookupEnv("GOGC"); ok && v != "" {
		cur := debug.SetGCPercent(100)
		debug.SetGCPercent(cur)
		return cur
	}
	debug.SetGCPercent(ServerGCPercent)
	return ServerGCPercent
}
