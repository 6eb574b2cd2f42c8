package audit_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

func benchBackends(b *testing.B, fn func(b *testing.B, db *sqlstore.DB)) {
	b.Run("sqlite", func(b *testing.B) {
		fn(b, testenv.OpenStore(b, filepath.Join(b.TempDir(), "meta.db")))
	})
	b.Run("postgres", func(b *testing.B) {
		fn(b, testenv.OpenStore(b, testenv.Postgres(b)))
	})
}

// BenchmarkRecord measures events/s through Log from concurrent callers, up to
// the point where they are durable.
func BenchmarkRecord(b *testing.B) {
	benchBackends(b, func(b *testing.B, db *sqlstore.DB) {
		ctx := context.Background()
		l := MustLog(b, db, filepath.Join(b.TempDir(), "audit.key"), audit.Options{})
		b.SetParallelism(8) // a busy server: many more requests than cores
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				l.Record(event("bench", i))
				i++
			}
		})
		if err := l.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		if s := l.Stats(); s.Batches > 0 {
			b.ReportMetric(float64(s.Written)/float64(s.Batches), "events/batch")
		}
		if err := l.Close(ctx); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkVerify measures Verify over DOSSIER_BENCH_EVENTS events (default
// 1,000,000) with a signed checkpoint every 1000. Run it with -benchtime=1x.
func BenchmarkVerify(b *testing.B) {
	n := benchEvents(b)
	benchBackends(b, func(b *testing.B, db *sqlstore.DB) {
		ctx := context.Background()
		seedChain(b, db, n)
		var r audit.Report
		for b.Loop() {
			var err error
			if r, err = audit.Verify(ctx, db, nil); err != nil {
				b.Fatal(err)
			}
		}
		if !r.OK || r.Events != n || r.Checkpoints != int(n/1000) {
			b.Fatalf("verify: %+v", r)
		}
		secs := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(float64(n)/secs, "events/s")
		b.ReportMetric(secs, "s/verify")
	})
}

// BenchmarkAuditCount measures what the total of a GET /api/v1/audit page
// costs over DOSSIER_BENCH_EVENTS events (default 1,000,000, seeded as for
// BenchmarkVerify: 50 actors, all of one case and action, one event a
// millisecond): "count" is CountEvents, "page" a second page through
// Trail.List, its total included. Run it with -benchtime=3x.
func BenchmarkAuditCount(b *testing.B) {
	n := benchEvents(b)
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) // seedChain's first event
	filters := []struct {
		name string
		f    dossier.AuditFilter
	}{
		{"none", dossier.AuditFilter{}},
		{"actor", dossier.AuditFilter{Actor: "user07"}},                    // 2% of the trail
		{"minute", dossier.AuditFilter{From: at, To: at.Add(time.Minute)}}, // 60,000 events
		{"case", dossier.AuditFilter{CaseID: "c1"}},                        // all of it
		{"action", dossier.AuditFilter{Action: "evidence.read"}},           // all of it
		{"prefix", dossier.AuditFilter{Action: "evidence."}},               // all of it
		{"q", dossier.AuditFilter{Q: "#4242"}},                             // a scan of every detail
	}
	benchBackends(b, func(b *testing.B, db *sqlstore.DB) {
		ctx := context.Background()
		seedChain(b, db, n)
		if db.Dialect() == "postgres" {
			// As autovacuum leaves an insert-only table: pages all-visible,
			// statistics fresh.
			if _, err := db.SQL().ExecContext(ctx, "VACUUM ANALYZE audit_events"); err != nil {
				b.Fatal(err)
			}
		}
		tr := &audit.Trail{Store: db}
		auditor := &dossier.Actor{User: &dossier.User{ID: "a1", Username: "aud", Role: dossier.RoleAuditor}}
		for _, fc := range filters {
			b.Run(fc.name+"/count", func(b *testing.B) {
				var c int
				for b.Loop() {
					var err error
					if c, err = db.CountEvents(ctx, fc.f); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/count")
				b.ReportMetric(float64(c), "events")
			})
			b.Run(fc.name+"/page", func(b *testing.B) {
				f := fc.f
				f.AfterSeq, f.Limit = 1, 50 // a second page: its total is counted
				for b.Loop() {
					if _, err := tr.List(ctx, auditor, f); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/page")
			})
		}
	})
}

// benchEvents is DOSSIER_BENCH_EVENTS, or 1,000,000.
func benchEvents(b *testing.B) int64 {
	n := int64(1_000_000)
	if v := os.Getenv("DOSSIER_BENCH_EVENTS"); v != "" {
		var err error
		if n, err = strconv.ParseInt(v, 10, 64); err != nil || n <= 0 {
			b.Fatalf("DOSSIER_BENCH_EVENTS=%q", v)
		}
	}
	return n
}

// seedChain writes n chained events straight to the store in big batches,
// signing a checkpoint every 1000.
func seedChain(b *testing.B, db *sqlstore.DB, n int64) {
	b.Helper()
	ctx := context.Background()
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	const batch = 5000
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	seq, head := int64(0), audit.Genesis
	evs := make([]*dossier.Event, 0, batch)
	for seq < n {
		evs = evs[:0]
		var cps []*dossier.Checkpoint
		for len(evs) < batch && seq < n {
			e := event(fmt.Sprintf("user%02d", seq%50), int(seq))
			e.At = at.Add(time.Duration(seq) * time.Millisecond)
			audit.Chain(&e, seq, head)
			seq, head = e.Seq, e.Hash
			evs = append(evs, &e)
			if seq%1000 == 0 {
				cps = append(cps, audit.SignForTest(key, seq, head, e.At))
			}
		}
		if err := db.AppendEvents(ctx, evs); err != nil {
			b.Fatal(err)
		}
		for _, c := range cps {
			if err := db.AddCheckpoint(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
	}
	d := time.Since(start)
	b.Logf("seeded %d events in %.1fs (%.0f events/s straight AppendEvents)", n, d.Seconds(), float64(n)/d.Seconds())
}

func BenchmarkHash(b *testing.B) {
	e := event("bench", 1)
	e.At = time.Now()
	for b.Loop() {
		audit.Hash(&e)
	}
}
