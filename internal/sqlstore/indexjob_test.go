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

// A case edit queues the case's live items in one statement: not its
// tombstoned ones, nor another case's. A job already queued keeps its
// attempts, becomes due now and gets a new generation, so the worker
// holding it leaves it for the next claim.
func TestEnqueueCaseIndex(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		mine, other := newCase("Q-1", dossier.NewDate(2026, 1, 1)), newCase("Q-2", dossier.NewDate(2026, 1, 1))
		for _, c := range []*dossier.Case{mine, other} {
			if err := db.CreateCase(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		item := func(c *dossier.Case, sha string, deleted bool) string {
			t.Helper()
			e := &dossier.Evidence{CaseID: c.ID, Kind: "contract", Filename: "a.txt", MediaType: "text/plain",
				Size: 1, SHA256: sha, TextStatus: dossier.TextIndexed, CreatedAt: now}
			if deleted {
				e.DeletedAt = &now
			}
			if err := db.CreateEvidence(ctx, e); err != nil {
				t.Fatal(err)
			}
			return e.ID
		}
		a, b := item(mine, "qa", false), item(mine, "qb", false)
		item(mine, "qc", true)
		item(other, "qd", false)

		// b's extraction job is held by a worker and failed once before.
		if err := db.EnqueueIndex(ctx, b, now); err != nil {
			t.Fatal(err)
		}
		held, err := db.ClaimIndexJobs(ctx, now, time.Minute, 10)
		if err != nil || len(held) != 1 {
			t.Fatalf("claim: %v %v", held, err)
		}
		if err := db.RetryIndexJob(ctx, held[0], now, "boom"); err != nil {
			t.Fatal(err)
		}
		if held, err = db.ClaimIndexJobs(ctx, now, time.Minute, 10); err != nil || len(held) != 1 {
			t.Fatalf("claim again: %v %v", held, err)
		}

		if err := db.EnqueueCaseIndex(ctx, mine.ID, now); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishIndexJob(ctx, held[0]); err != nil {
			t.Fatal(err)
		}
		jobs, err := db.ClaimIndexJobs(ctx, now, time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]*dossier.IndexJob{}
		for _, j := range jobs {
			got[j.EvidenceID] = j
		}
		if len(got) != 2 || got[a] == nil || got[b] == nil {
			t.Fatalf("queued %v, want the case's two live items", jobs)
		}
		if j := got[b]; j.Gen == held[0].Gen || j.Attempts != 1 {
			t.Errorf("job queued before the edit: %+v, want a new generation and its attempt kept", j)
		}
		t.Run("IndexJob", func(t *testing.T) {
			if j, err := db.IndexJob(ctx, a); err != nil || j.EvidenceID != a || j.Gen != got[a].Gen {
				t.Errorf("IndexJob: %+v %v", j, err)
			}
		})
		t.Run("ErrIndexJobNotFound", func(t *testing.T) {
			if _, err := db.IndexJob(ctx, "nope"); dossier.ErrorCode(err) != dossier.ENOTFOUND {
				t.Errorf("IndexJob of an item without a job: %v", err)
			}
		})
	})
}
