package dossier

import (
	"context"
	"time"
)

// IndexJob is a queued text-extraction and indexing job for one evidence item.
type IndexJob struct {
	EvidenceID string
	Attempts   int
	NotBefore  time.Time
	LastError  string
	// Gen grows each time the job is queued again, telling the job a worker
	// claimed from one queued while it worked (a new version, a deletion).
	Gen int64
}

// IndexJobStore is the durable queue behind the indexing workers.
type IndexJobStore interface {
	// EnqueueIndex queues (or re-queues, resetting attempts) a job due now.
	EnqueueIndex(ctx context.Context, evidenceID string, now time.Time) error
	// EnqueuePendingIndex queues every live item whose text_status is pending
	// and has no job, returning how many it queued.
	EnqueuePendingIndex(ctx context.Context, now time.Time) (int, error)
	// ClaimIndexJobs leases up to n due jobs until now+lease; a job claimed by
	// one worker is not handed to another before its lease ends.
	ClaimIndexJobs(ctx context.Context, now time.Time, lease time.Duration, n int) ([]*IndexJob, error)
	// FinishIndexJob removes the claimed job j, unless it was queued again
	// since (then it is left for the next claim).
	FinishIndexJob(ctx context.Context, j *IndexJob) error
	// RetryIndexJob records a failure of the claimed job j and when to try
	// again, unless it was queued again since.
	RetryIndexJob(ctx context.Context, j *IndexJob, notBefore time.Time, errText string) error
}
