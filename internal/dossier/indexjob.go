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
	// FinishIndexJob removes a job.
	FinishIndexJob(ctx context.Context, evidenceID string) error
	// RetryIndexJob records a failure and when to try again.
	RetryIndexJob(ctx context.Context, evidenceID string, notBefore time.Time, errText string) error
}
