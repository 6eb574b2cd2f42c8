// Package indexer connects the evidence vault to the search index: a durable
// job queue in the metadata store, a small pool of workers that extract text
// from the stored bytes and index it, and the search capability with the
// caller's permissions inside the query. Uploads never wait for it.
package indexer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/search"
)

// ErrNoText is returned by an Extractor for media that carry no text
// (text_status "none"); any other error marks the item "failed".
var ErrNoText = errors.New("indexer: no text in this media type")

// Extractor returns the text of a file.
type Extractor func(ctx context.Context, mediaType, filename string, r io.Reader) (string, error)

// Store is what the indexer needs of the metadata store.
type Store interface {
	dossier.IndexJobStore
	Evidence(ctx context.Context, id string) (*dossier.Evidence, error)
	Case(ctx context.Context, id string) (*dossier.Case, error)
	SetEvidenceText(ctx context.Context, id string, n int, sha, status, reason string) error
	// IndexJob returns the job queued for an item; ENOTFOUND if none.
	IndexJob(ctx context.Context, evidenceID string) (*dossier.IndexJob, error)
	ScanEvidence(ctx context.Context, fn func(*dossier.Evidence, *dossier.EvidenceVersion) error) error
}

// Indexer runs the extraction workers and answers searches.
type Indexer struct {
	Store   Store
	Blobs   blob.Store
	Index   *search.Index
	Extract Extractor
	Log     *slog.Logger
	Workers int
	// MaxAttempts before an item is marked failed (default 5); the delay
	// doubles from RetryBase (default 10 s) after each failure.
	MaxAttempts int
	RetryBase   time.Duration
	Timeout     time.Duration // per item (default 5 min: OCR of a long scan)
	Now         func() time.Time
	// Unavailable says why Index is nil (missing or corrupt, being
	// rebuilt), for /readyz. Once the service runs, both change only
	// through SetUnavailable and Install, under mu: searches read them.
	Unavailable string
	mu          sync.RWMutex

	wake      chan struct{}
	wg        sync.WaitGroup
	stop      context.CancelFunc
	defaulted sync.Once
}

// defaults fills the unset fields, once: Notify runs on every upload's
// goroutine, also on an Indexer never started (its index unusable), and
// concurrent uploads each writing the fields (each its own wake channel)
// raced.
func (ix *Indexer) defaults() { ix.defaulted.Do(ix.setDefaults) }

func (ix *Indexer) setDefaults() {
	if ix.Workers <= 0 {
		ix.Workers = 2
	}
	if ix.MaxAttempts <= 0 {
		ix.MaxAttempts = 5
	}
	if ix.RetryBase <= 0 {
		ix.RetryBase = 10 * time.Second
	}
	if ix.Timeout <= 0 {
		ix.Timeout = 5 * time.Minute
	}
	if ix.Now == nil {
		ix.Now = time.Now
	}
	if ix.Log == nil {
		ix.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if ix.wake == nil {
		ix.wake = make(chan struct{}, 1)
	}
}

// Start requeues pending items and starts the workers until Close.
func (ix *Indexer) Start(ctx context.Context) error {
	ix.defaults()
	n, err := ix.Store.EnqueuePendingIndex(ctx, ix.Now())
	if err != nil {
		return fmt.Errorf("indexer: requeue pending: %w", err)
	}
	if n > 0 {
		ix.Log.Info("indexer: requeued pending evidence", "count", n)
	}
	ctx, ix.stop = context.WithCancel(context.WithoutCancel(ctx))
	for i := 0; i < ix.Workers; i++ {
		ix.wg.Add(1)
		go ix.work(ctx)
	}
	ix.poke()
	return nil
}

// Close stops the workers; a job in progress keeps its lease and is retried
// after the next start.
func (ix *Indexer) Close(context.Context) error {
	if ix.stop != nil {
		ix.stop()
		ix.wg.Wait()
	}
	return nil
}

// Notify queues an item after its upload (or new version) committed.
func (ix *Indexer) Notify(ctx context.Context, e *dossier.Evidence) {
	ix.defaults()
	if err := ix.Store.EnqueueIndex(ctx, e.ID, ix.Now()); err != nil {
		// The item stays "pending" and is requeued at the next start.
		ix.Log.Error("indexer: enqueue", "evidence", e.ID, "err", err)
		return
	}
	ix.poke()
}

func (ix *Indexer) poke() {
	select {
	case ix.wake <- struct{}{}:
	default:
	}
}

const lease = 10 * time.Minute

func (ix *Indexer) work(ctx context.Context) {
	defer ix.wg.Done()
	idle := time.NewTimer(time.Second)
	defer idle.Stop()
	for {
		jobs, err := ix.Store.ClaimIndexJobs(ctx, ix.Now(), lease, 1)
		if err != nil && ctx.Err() == nil {
			ix.Log.Error("indexer: claim", "err", err)
		}
		for _, j := range jobs {
			ix.run(ctx, j)
		}
		if len(jobs) > 0 {
			ix.poke() // let a sibling look too
			continue
		}
		idle.Reset(2 * time.Second)
		select {
		case <-ctx.Done():
			return
		case <-ix.wake:
		case <-idle.C:
		}
	}
}

// run processes one job: index on success, retry with backoff on failure,
// and mark the item failed (still findable by title) when attempts run out.
//
// Users change the item while its text is extracted (a legal hold, a
// deletion, a new version), so run writes only the text columns, and only
// while the version it read is current; a new version or a deletion queues
// the item again, and that newer job outlives this one's finish.
//
// A job for an item whose current version's text is final (not pending)
// comes from an edit of its case: the document is only refreshed with the
// case's number and parties, keeping the text in the index. Extracting it
// again would re-read the blob and redo minutes of OCR, and a failure then
// would wipe text that was found before.
func (ix *Indexer) run(ctx context.Context, j *dossier.IndexJob) {
	e, err := ix.Store.Evidence(ctx, j.EvidenceID)
	if dossier.ErrorCode(err) == dossier.ENOTFOUND {
		_ = ix.Store.FinishIndexJob(ctx, j)
		return
	} else if err != nil {
		ix.retry(ctx, j, err)
		return
	}
	if e.DeletedAt != nil {
		if err := ix.Index.Delete(e.ID); err != nil {
			ix.retry(ctx, j, err)
			return
		}
		_ = ix.Store.FinishIndexJob(ctx, j)
		return
	}
	if e.TextStatus != dossier.TextPending {
		switch err := ix.refresh(ctx, e); {
		case err == nil:
			_ = ix.Store.FinishIndexJob(ctx, j)
			return
		case errors.Is(err, errStale):
			ix.requeue(ctx, e.ID)
			return
		case !errors.Is(err, errNotIndexed) && j.Attempts+1 < ix.MaxAttempts && ctx.Err() == nil:
			ix.retry(ctx, j, err)
			return
		case !errors.Is(err, errNotIndexed):
			// The text stays searchable under the case's former fields
			// until the next edit or reindex.
			ix.Log.Error("indexer: refresh case fields", "evidence", e.ID, "err", err)
			_ = ix.Store.FinishIndexJob(ctx, j)
			return
		}
		// The index has no document for it (never written, or lost): the
		// text must be extracted after all.
	}
	status, reason, err := ix.indexOne(ctx, e)
	if errors.Is(err, errStale) {
		ix.requeue(ctx, e.ID)
		return
	}
	// The blob store down is no fault of the file: its job is retried
	// (with the growing delay) however long the outage lasts, rather than
	// the item marked failed and its text never searchable.
	if err != nil && (j.Attempts+1 < ix.MaxAttempts || blob.Unavailable(err)) && ctx.Err() == nil {
		ix.retry(ctx, j, err)
		return
	}
	if err != nil {
		status, reason = dossier.TextFailed, err.Error()
	}
	switch err := ix.Store.SetEvidenceText(ctx, e.ID, e.Version, e.SHA256, status, reason); {
	case dossier.ErrorCode(err) == dossier.ECONFLICT:
		// A new version or a deletion came after the re-check in indexOne,
		// so the index may hold this older text: process the item again.
		ix.requeue(ctx, e.ID)
		return
	case dossier.ErrorCode(err) == dossier.ENOTFOUND:
	case err != nil:
		ix.retry(ctx, j, err)
		return
	}
	_ = ix.Store.FinishIndexJob(ctx, j)
}

// requeue queues an item again because what this worker extracted is stale.
func (ix *Indexer) requeue(ctx context.Context, id string) {
	if err := ix.Store.EnqueueIndex(context.WithoutCancel(ctx), id, ix.Now()); err != nil {
		ix.Log.Error("indexer: requeue", "evidence", id, "err", err)
	}
}

func (ix *Indexer) retry(ctx context.Context, j *dossier.IndexJob, cause error) {
	delay := ix.RetryBase << min(j.Attempts, 10)
	ix.Log.Warn("indexer: will retry", "evidence", j.EvidenceID, "attempt", j.Attempts+1, "in", delay, "err", cause)
	if err := ix.Store.RetryIndexJob(context.WithoutCancel(ctx), j, ix.Now().Add(delay), cause.Error()); err != nil {
		ix.Log.Error("indexer: record retry", "evidence", j.EvidenceID, "err", err)
	}
}

var (
	// errStale: the item got a new version or was deleted during extraction.
	errStale = errors.New("indexer: item changed during extraction")
	// errNotIndexed: a refresh found no document to refresh.
	errNotIndexed = errors.New("indexer: item not in the index")
)

// indexOne extracts and indexes one item. A file without text, or whose text
// cannot be read, is still indexed by title and transcript so it stays findable.
func (ix *Indexer) indexOne(ctx context.Context, e *dossier.Evidence) (status, reason string, err error) {
	text, status, reason, err := ix.text(ctx, e)
	if err != nil {
		return "", "", err
	}
	// Only text that is these bytes' extraction may be taken for them by a
	// later rebuild; a failure or "no text" is tried again then (an
	// upgraded extractor may do better).
	sha := ""
	if status == dossier.TextIndexed {
		sha = e.SHA256
	}
	if e.Transcript != "" {
		text = strings.TrimSpace(e.Transcript + "\n" + text)
		if status == dossier.TextNone {
			status = dossier.TextIndexed
		}
	}
	err = ix.put(ctx, e, func(d search.Doc) error {
		d.Text, d.TextSHA256 = text, sha
		return ix.Index.Index(d)
	})
	if err != nil {
		return "", "", err
	}
	return status, reason, nil
}

// reuse indexes e with the text prev holds for its current version, and
// reports false, writing nothing, when prev holds none. Only an item whose
// current version's text was extracted ("indexed" for these bytes) is
// taken: a failed or pending one is extracted, as without prev.
func (ix *Indexer) reuse(ctx context.Context, e *dossier.Evidence, prev *search.Previous) (bool, error) {
	if e.TextStatus != dossier.TextIndexed || e.TextSHA256 != e.SHA256 {
		return false, nil
	}
	text, ok := prev.Text(e.ID, e.SHA256)
	if !ok {
		return false, nil
	}
	err := ix.put(ctx, e, func(d search.Doc) error {
		d.Text, d.TextSHA256 = text, e.SHA256
		return ix.Index.Index(d)
	})
	return err == nil, err
}

// refresh re-indexes e with its case's current number and parties and the
// text the index holds for it; errNotIndexed if it holds none.
func (ix *Indexer) refresh(ctx context.Context, e *dossier.Evidence) error {
	return ix.put(ctx, e, func(d search.Doc) error {
		ok, err := ix.Index.Refresh(d)
		if err == nil && !ok {
			return errNotIndexed
		}
		return err
	})
}

// put writes e's document, built with its case's number and parties, and
// returns errStale if e is no longer the item's current, live version.
//
// Extraction may take minutes, and a case edit or a new version may land
// during it, with its own job taken by another worker that finishes first.
// So the item is checked before the write (never put an older version's
// text, or a deleted item, into the index) and after it (a job that ran in
// between must run again), and the case is read again after the write: an
// edit committed before that read is written here, and one committed after
// it queues a job that runs after this write.
func (ix *Indexer) put(ctx context.Context, e *dossier.Evidence, write func(search.Doc) error) error {
	c, err := ix.Store.Case(ctx, e.CaseID)
	if err != nil {
		return err
	}
	if err := ix.current(ctx, e); err != nil {
		return err
	}
	for range 5 {
		if err := write(document(e, c)); err != nil {
			if errors.Is(err, errNotIndexed) {
				return err
			}
			return fmt.Errorf("index: %w", err)
		}
		if err := ix.current(ctx, e); err != nil {
			return err
		}
		now, err := ix.Store.Case(ctx, e.CaseID)
		if err != nil {
			return err
		}
		if now.Number == c.Number && slices.Equal(parties(now), parties(c)) {
			return nil
		}
		c = now
	}
	return errors.New("indexer: the case keeps changing")
}

// current returns errStale unless e is still the item's live, current version.
func (ix *Indexer) current(ctx context.Context, e *dossier.Evidence) error {
	switch now, err := ix.Store.Evidence(ctx, e.ID); {
	case err != nil:
		return err
	case now.Version != e.Version || now.DeletedAt != nil:
		return errStale
	}
	return nil
}

// document is what the index keeps of e: its own metadata and its case's
// number and party names. The caller adds the text.
func document(e *dossier.Evidence, c *dossier.Case) search.Doc {
	d := search.Doc{EvidenceID: e.ID, CaseID: e.CaseID, CaseNumber: c.Number, Title: e.Title,
		Kind: string(e.Kind), Parties: parties(c), CreatedAt: e.CreatedAt}
	if e.OccurredAt != nil {
		d.OccurredAt = *e.OccurredAt
	}
	return d
}

// text extracts the current version's text. A transient failure (blob store
// unreachable) is an error to retry; a file that cannot be read is "failed"
// with its reason at once, because retrying will not change its bytes.
func (ix *Indexer) text(ctx context.Context, e *dossier.Evidence) (text, status, reason string, err error) {
	ctx, cancel := context.WithTimeout(ctx, ix.Timeout)
	defer cancel()
	rc, err := ix.Blobs.Open(ctx, e.SHA256, 0, -1)
	if err != nil {
		return "", "", "", fmt.Errorf("open blob: %w", err)
	}
	defer rc.Close()
	src := &blobReader{r: rc}
	text, err = ix.Extract(ctx, e.MediaType, e.Filename, src)
	switch {
	case errors.Is(err, ErrNoText):
		return "", dossier.TextNone, "", nil
	case err != nil && ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded):
		return "", "", "", err // shutting down: retry later
	case err != nil && blob.Unavailable(src.err) && ctx.Err() == nil:
		// The store failed while the bytes were read (an extractor may
		// report that as a parse error): retry, the file is not at fault.
		// A read cut by the item's own time limit is not an outage: the
		// extraction took too long, and retrying without end would spend
		// that time again at every attempt.
		return "", "", "", fmt.Errorf("read blob: %w", src.err)
	case err != nil:
		return "", dossier.TextFailed, err.Error(), nil
	}
	return text, dossier.TextIndexed, "", nil
}

func parties(c *dossier.Case) []string {
	out := []string{c.Creditor.Name, c.Debtor.Name}
	out = append(out, c.Creditor.Aliases...)
	return append(out, c.Debtor.Aliases...)
}

// Progress counts the items a Reindex has done: Done in all, Reused of them
// with the text of the previous index, Failed of them (and of those left
// queued because the blob store was down) without their text.
type Progress struct {
	Done, Reused, Failed int
}

// Reindex rebuilds the index from the metadata and the blobs: every live item
// is indexed in this process, with progress reported. Its text is taken from
// prev (the index being replaced; nil for none) when prev holds the text of
// the item's current bytes, and extracted otherwise. The job
// an item had queued is done with it (left alone if queued again meanwhile),
// so the server does not extract it once more; an item that changed during
// its extraction is queued for the server, which deletes it from the index
// or indexes its new version, and so is one whose bytes could not be read
// because the blob store was down (counted as failed, not marked failed).
func (ix *Indexer) Reindex(ctx context.Context, prev *search.Previous, progress func(Progress)) error {
	ix.defaults()
	seen := map[string]bool{}
	var ids []string
	err := ix.Store.ScanEvidence(ctx, func(e *dossier.Evidence, _ *dossier.EvidenceVersion) error {
		if !seen[e.ID] && e.DeletedAt == nil {
			seen[e.ID] = true
			ids = append(ids, e.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var p Progress
	for _, id := range ids {
		// Read before the item: a job queued after it is newer work.
		job, err := ix.Store.IndexJob(ctx, id)
		if dossier.ErrorCode(err) == dossier.ENOTFOUND {
			job = nil
		} else if err != nil {
			return err
		}
		e, err := ix.Store.Evidence(ctx, id)
		if err != nil {
			return err
		}
		status, reason := dossier.TextIndexed, ""
		reused, err := ix.reuse(ctx, e, prev)
		if !reused && err == nil {
			status, reason, err = ix.indexOne(ctx, e)
		}
		if errors.Is(err, errStale) {
			if err := ix.Store.EnqueueIndex(ctx, id, ix.Now()); err != nil {
				return err
			}
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if blob.Unavailable(err) {
			// The store is down, not the file at fault: as a worker would,
			// leave the item to be retried (the workers keep trying through
			// an outage) rather than mark it failed, which nothing retries.
			if err := ix.Store.EnqueueIndex(ctx, id, ix.Now()); err != nil {
				return err
			}
			p.Failed++
			if progress != nil {
				progress(p)
			}
			continue
		}
		if err != nil {
			status, reason = dossier.TextFailed, err.Error()
			p.Failed++
		} else if reused {
			p.Reused++
		}
		switch err := ix.Store.SetEvidenceText(ctx, e.ID, e.Version, e.SHA256, status, reason); {
		case dossier.ErrorCode(err) == dossier.ECONFLICT:
			// A new version or a deletion after indexOne's last check: the
			// index holds text the item no longer has.
			if err := ix.Store.EnqueueIndex(ctx, id, ix.Now()); err != nil {
				return err
			}
		case err != nil:
			return err
		case job != nil:
			if err := ix.Store.FinishIndexJob(ctx, job); err != nil {
				return err
			}
		}
		p.Done++
		if progress != nil {
			progress(p)
		}
	}
	return nil
}

// HasEvidence reports whether the store holds any evidence item, so that a
// missing index can be told from a new installation.
func HasEvidence(ctx context.Context, s Store) (bool, error) {
	errFound := errors.New("found")
	err := s.ScanEvidence(ctx, func(*dossier.Evidence, *dossier.EvidenceVersion) error { return errFound })
	if errors.Is(err, errFound) {
		return true, nil
	}
	return false, err
}

// blobReader remembers the first error reading a blob, whatever the
// extractor makes of it.
type blobReader struct {
	r   io.Reader
	err error
}

func (b *blobReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}
