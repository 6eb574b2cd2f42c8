package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

// A job queued again while a worker holds it (a new version, a deletion)
// outlives that worker's finish or retry.
func TestIndexJobRequeuedWhileClaimed(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		now := time.Now()
		claim := func() *dossier.IndexJob {
			t.Helper()
			jobs, err := db.ClaimIndexJobs(ctx, now, time.Minute, 10)
			if err != nil || len(jobs) != 1 {
				t.Fatalf("claim: %v %v, want one job", jobs, err)
			}
			return jobs[0]
		}
		if err := db.EnqueueIndex(ctx, "e1", now); err != nil {
			t.Fatal(err)
		}
		old := claim()
		if err := db.EnqueueIndex(ctx, "e1", now); err != nil {
			t.Fatal(err)
		}
		if err := db.RetryIndexJob(ctx, old, now.Add(time.Hour), "boom"); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishIndexJob(ctx, old); err != nil {
			t.Fatal(err)
		}
		// The new job is still there, due now, with no failure recorded.
		fresh := claim()
		if fresh.Gen == old.Gen || fresh.Attempts != 0 || fresh.LastError != "" {
			t.Fatalf("job after requeue %+v, claimed before %+v", fresh, old)
		}
		if err := db.FinishIndexJob(ctx, fresh); err != nil {
			t.Fatal(err)
		}
		if jobs, err := db.ClaimIndexJobs(ctx, now.Add(time.Hour), time.Minute, 10); err != nil || len(jobs) != 0 {
			t.Fatalf("after finish: %v %v", jobs, err)
		}
	})
}
