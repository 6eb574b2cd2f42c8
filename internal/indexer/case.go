package indexer

import (
	"context"
	"fmt"
	"time"
)

// CaseQueue is the store a case edit queues its items in.
type CaseQueue interface {
	// EnqueueCaseIndex queues a job for every live item of the case, in one
	// statement; a job already queued becomes due now, with a new
	// generation, and keeps its attempts.
	EnqueueCaseIndex(ctx context.Context, caseID string, now time.Time) error
}

// QueueCase queues every live evidence item of a case for its document to
// be refreshed. Each indexed item carries its case's number and party
// names, so an edit of them must reach the index; st is the transaction of
// the edit, so the jobs commit with it and a crash cannot lose them. The
// workers take them from the job table like any other, and for an item
// whose text is already indexed they only rewrite the case's fields (see
// run): an edit never extracts text again.
func QueueCase(ctx context.Context, st any, caseID string, now time.Time) error {
	q, ok := st.(CaseQueue)
	if !ok {
		return fmt.Errorf("indexer: queue case: the store keeps no index jobs")
	}
	if err := q.EnqueueCaseIndex(ctx, caseID, now); err != nil {
		return fmt.Errorf("indexer: queue case: %w", err)
	}
	return nil
}
