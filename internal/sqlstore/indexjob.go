package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

var _ dossier.IndexJobStore = (*DB)(nil)

// EnqueueIndex queues a job, or makes an existing one due now. A job that a
// worker holds gets a new generation, so that worker's finish leaves it.
func (db *DB) EnqueueIndex(ctx context.Context, evidenceID string, now time.Time) error {
	_, err := db.q.ExecContext(ctx, `INSERT INTO index_jobs (evidence_id, attempts, not_before, created_at)
		VALUES ($1, 0, $2, $2) ON CONFLICT (evidence_id) DO UPDATE SET attempts=0, not_before=excluded.not_before,
		last_error='', gen=index_jobs.gen+1`, evidenceID, tm(now))
	return db.wrap("enqueue index", err)
}

// EnqueueCaseIndex queues every live item of a case, for a case edit. A
// queued job becomes due now with a new generation (a worker holding it
// then leaves it for the next claim) and keeps its attempts: the edit does
// not reset an extraction's backoff count.
func (db *DB) EnqueueCaseIndex(ctx context.Context, caseID string, now time.Time) error {
	_, err := db.q.ExecContext(ctx, `INSERT INTO index_jobs (evidence_id, attempts, not_before, created_at)
		SELECT id, 0, $2, $2 FROM evidence WHERE case_id = $1 AND deleted_at IS NULL
		ON CONFLICT (evidence_id) DO UPDATE SET not_before=excluded.not_before, gen=index_jobs.gen+1`,
		caseID, tm(now))
	return db.wrap("enqueue case index", err)
}

// IndexJob returns the job queued for an item; ENOTFOUND if none.
func (db *DB) IndexJob(ctx context.Context, evidenceID string) (*dossier.IndexJob, error) {
	var j dossier.IndexJob
	var nb string
	err := db.q.QueryRowContext(ctx, `SELECT evidence_id, attempts, not_before, last_error, gen FROM index_jobs
		WHERE evidence_id=$1`, evidenceID).Scan(&j.EvidenceID, &j.Attempts, &nb, &j.LastError, &j.Gen)
	if err == sql.ErrNoRows {
		return nil, dossier.NotFound("index job")
	} else if err != nil {
		return nil, db.wrap("index job", err)
	}
	j.NotBefore = parseTm(nb)
	return &j, nil
}

// EnqueuePendingIndex queues every pending item that has no job.
func (db *DB) EnqueuePendingIndex(ctx context.Context, now time.Time) (int, error) {
	res, err := db.q.ExecContext(ctx, `INSERT INTO index_jobs (evidence_id, attempts, not_before, created_at)
		SELECT id, 0, $1, $1 FROM evidence e WHERE e.text_status = 'pending' AND e.deleted_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM index_jobs j WHERE j.evidence_id = e.id)`, tm(now))
	if err != nil {
		return 0, db.wrap("enqueue pending", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// ClaimIndexJobs leases due jobs. Each lease is an optimistic update on the
// job's not_before, so two workers (or two processes on PostgreSQL) never
// claim the same job; the SQL is the same on both databases.
func (db *DB) ClaimIndexJobs(ctx context.Context, now time.Time, lease time.Duration, n int) ([]*dossier.IndexJob, error) {
	rows, err := db.q.QueryContext(ctx, `SELECT evidence_id, attempts, not_before, last_error, gen FROM index_jobs
		WHERE not_before <= $1 ORDER BY not_before, evidence_id LIMIT `+itoa(n), tm(now))
	if err != nil {
		return nil, db.wrap("claim index jobs", err)
	}
	var due []*dossier.IndexJob
	var stamps []string
	for rows.Next() {
		var j dossier.IndexJob
		var nb string
		if err := rows.Scan(&j.EvidenceID, &j.Attempts, &nb, &j.LastError, &j.Gen); err != nil {
			rows.Close()
			return nil, db.wrap("claim index jobs", err)
		}
		j.NotBefore = parseTm(nb)
		due = append(due, &j)
		stamps = append(stamps, nb)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, db.wrap("claim index jobs", err)
	}
	var claimed []*dossier.IndexJob
	until := tm(now.Add(lease))
	for i, j := range due {
		res, err := db.q.ExecContext(ctx, `UPDATE index_jobs SET not_before=$1 WHERE evidence_id=$2 AND not_before=$3
			AND gen=$4`, until, j.EvidenceID, stamps[i], j.Gen)
		if err != nil {
			return nil, db.wrap("claim index job", err)
		}
		if k, _ := res.RowsAffected(); k == 1 {
			claimed = append(claimed, j)
		}
	}
	return claimed, nil
}

// FinishIndexJob removes a job unless it was queued again since j was
// claimed.
func (db *DB) FinishIndexJob(ctx context.Context, j *dossier.IndexJob) error {
	_, err := db.q.ExecContext(ctx, `DELETE FROM index_jobs WHERE evidence_id=$1 AND gen=$2`, j.EvidenceID, j.Gen)
	return db.wrap("finish index job", err)
}

// RetryIndexJob records a failed attempt, unless the job was queued again
// since j was claimed: the new job stays due now.
func (db *DB) RetryIndexJob(ctx context.Context, j *dossier.IndexJob, notBefore time.Time, errText string) error {
	_, err := db.q.ExecContext(ctx, `UPDATE index_jobs SET attempts=attempts+1, not_before=$3, last_error=$4
		WHERE evidence_id=$1 AND gen=$2`, j.EvidenceID, j.Gen, tm(notBefore), truncateText(errText, 2000))
	return db.wrap("retry index job", err)
}

func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
