package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

// BenchmarkScanEvidence walks 20,000 versions of 10,000 items as verify,
// its lock check and reindex do, against the peer of reading each
// version's item on its own (how ScanEvidence read them before): the
// figures are versions per second and the ratio.
func BenchmarkScanEvidence(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			ctx := context.Background()
			db, err := sqlstore.Open(ctx, testenv.StoreURL(b, backend))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			c := newCase("SCAN-1", dossier.NewDate(2026, 1, 1))
			if err := db.CreateCase(ctx, c); err != nil {
				b.Fatal(err)
			}
			const items = 10000
			for i := range items {
				e := &dossier.Evidence{CaseID: c.ID, Kind: "contract", Filename: "a.pdf", MediaType: "application/pdf",
					Size: 1, SHA256: fmt.Sprintf("%064x", i), TextStatus: dossier.TextPending, CreatedAt: time.Now()}
				if err := db.CreateEvidence(ctx, e); err != nil {
					b.Fatal(err)
				}
				if err := db.AddVersion(ctx, &dossier.EvidenceVersion{EvidenceID: e.ID, N: 2,
					SHA256: fmt.Sprintf("%064x", items+i), CreatedAt: time.Now()}); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			var scan, peer time.Duration
			versions := 0
			for range b.N {
				t0 := time.Now()
				versions = 0
				if err := db.ScanEvidence(ctx, func(*dossier.Evidence, *dossier.EvidenceVersion) error {
					versions++
					return nil
				}); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				// The peer: each version's item read on its own.
				if err := db.ScanEvidence(ctx, func(e *dossier.Evidence, _ *dossier.EvidenceVersion) error {
					_, err := db.Evidence(ctx, e.ID)
					return err
				}); err != nil {
					b.Fatal(err)
				}
				scan, peer = scan+t1.Sub(t0), peer+time.Since(t1)
			}
			if versions != 2*items {
				b.Fatalf("scanned %d versions, want %d", versions, 2*items)
			}
			perSec := func(d time.Duration) float64 { return float64(versions*b.N) / d.Seconds() }
			// The peer pays the batched read too; its own share is the rest.
			peerOnly := peer - scan
			b.ReportMetric(perSec(scan), "versions/s")
			b.ReportMetric(perSec(peerOnly), "versions/s-one-by-one")
			b.ReportMetric(peerOnly.Seconds()/scan.Seconds(), "x-faster")
		})
	}
}
