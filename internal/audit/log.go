package audit

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/dossier/dossier/internal/dossier"
)

// Options tune a Log. Zero values take the defaults.
type Options struct {
	// QueueSize is how many recorded events may wait for the writer; Record
	// blocks while the queue is full (default 8192).
	QueueSize int
	// BatchSize is the most events stored by one AppendEvents (default 500).
	BatchSize int
	// Linger is how long a partial batch waits for more events before it is
	// written (default 10ms); Flush, Checkpoint and RecordDurable do not wait for it. Each
	// batch is a commit, and on PostgreSQL the commits were most of what
	// auditing cost: with 2ms, 8 clients reading made batches of 12–13
	// events and PostgreSQL spent 83–166 µs of CPU more per audited read;
	// with 10ms, batches of 33–37 and 45–82 µs (docs/benchmarks.md, 2 Dec).
	// Events are durable at most this much later than with no wait at all.
	Linger time.Duration
	// CheckpointEvery signs the head at every multiple of this seq (default 1000).
	CheckpointEvery int64
	// MaxBackoff caps the wait between retries of a failing store (default 5s).
	MaxBackoff time.Duration
	// Logger receives store errors and, on a forced shutdown, every event
	// that could not be stored (default slog.Default()).
	Logger *slog.Logger
}

func (o *Options) defaults() {
	if o.QueueSize <= 0 {
		o.QueueSize = 8192
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	if o.Linger == 0 {
		o.Linger = 10 * time.Millisecond
	}
	if o.CheckpointEvery <= 0 {
		o.CheckpointEvery = 1000
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Stats are counters for metrics.
type Stats struct {
	Written int64 // events stored by this Log
	Batches int64 // AppendEvents calls that succeeded
	Retries int64 // failed store calls that were retried
	Queued  int   // events waiting for the writer now
}

// item is one queue entry: an event, or a Flush/Checkpoint marker (marker
// set). A reply channel, of a marker or of an event RecordDurable waits
// for, receives the outcome once the event and everything queued before it
// are stored.
type item struct {
	ev         dossier.Event
	reply      chan result
	marker     bool
	checkpoint bool
}

type result struct {
	cp  *dossier.Checkpoint
	err error
}

// Log appends events to the chain. Record is safe for concurrent use; a single
// writer goroutine assigns Seq, PrevHash and Hash in queue order and stores
// events in batches, so auditing a request costs a channel send, not a
// transaction.
//
// Store errors: a failed batch is retried with exponential backoff (10ms up to
// MaxBackoff) and logged, never dropped; meanwhile the queue fills and Record
// blocks, so requests slow down rather than go unaudited. An ECONFLICT (another
// process appended the same seq, e.g. a `dossier user` command next to the
// server) re-reads the head and re-chains the batch after it; a batch that
// turns out to be stored already (the commit succeeded but its reply was lost)
// is not stored twice. Only Close with an expired context gives up: every
// event not stored is then logged in full at error level and Close returns an
// error.
type Log struct {
	store dossier.AuditStore
	key   ed25519.PrivateKey
	pub   string
	opts  Options
	log   *slog.Logger

	mu     sync.RWMutex // guards closed; held shared while sending to queue
	closed bool
	queue  chan item

	abort    context.Context // cancelled when Close gives up waiting
	giveUp   context.CancelFunc
	done     chan struct{}
	closeErr error

	// Owned by the writer goroutine.
	seq    int64
	head   string
	signed int64 // seq of the newest checkpoint

	headMu      sync.Mutex // guards the copy of the stored head that Head reads
	durableSeq  int64
	durableHead string
	lastErr     atomic.Pointer[string]
	written     atomic.Int64
	batches     atomic.Int64
	retries     atomic.Int64
	closeMu     sync.Mutex
	closeRun    bool
}

// Open loads the signing key at keyPath, creating it (mode 0600) on first use,
// resumes the chain after store.LastEvent and starts the writer. ctx bounds
// only the start-up reads.
func Open(ctx context.Context, store dossier.AuditStore, keyPath string, opts Options) (*Log, error) {
	opts.defaults()
	key, created, err := loadOrCreateKey(keyPath)
	if err != nil {
		return nil, err
	}
	l := &Log{store: store, key: key, opts: opts, log: opts.Logger,
		pub:   base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey)),
		queue: make(chan item, opts.QueueSize), done: make(chan struct{}), head: Genesis}
	if created {
		l.log.Info("audit: created signing key", "path", keyPath, "public_key", l.pub)
	}
	if err := l.resync(ctx); err != nil {
		return nil, err
	}
	cps, err := store.Checkpoints(ctx, 0, 1)
	if err != nil {
		return nil, fmt.Errorf("audit: open: %w", err)
	}
	if len(cps) > 0 {
		l.signed = cps[0].Seq
		if cps[0].PublicKey != l.pub {
			// Not fatal (the old key may have been lost), but the auditor must
			// learn that checkpoints now come from a different key.
			l.log.Warn("audit: signing key differs from the one that signed the last checkpoint",
				"checkpoint_seq", cps[0].Seq, "checkpoint_key", cps[0].PublicKey, "key", l.pub)
		}
	}
	l.setDurable()
	l.abort, l.giveUp = context.WithCancel(context.Background())
	go l.run()
	return l, nil
}

// resync makes the writer's head the store's newest event.
func (l *Log) resync(ctx context.Context) error {
	last, err := l.store.LastEvent(ctx)
	switch {
	case dossier.ErrorCode(err) == dossier.ENOTFOUND:
		l.seq, l.head = 0, Genesis
		return nil
	case err != nil:
		return fmt.Errorf("audit: read chain head: %w", err)
	}
	if h := Hash(last); h != last.Hash {
		// Refusing to start would let whoever edited the row stop the
		// service; keep chaining and let Verify name the break.
		l.log.Error("audit: newest event does not match its hash; run audit verify", "seq", last.Seq)
	}
	l.seq, l.head = last.Seq, last.Hash
	return nil
}

// PublicKey returns the base64 ed25519 key that verifies this Log's checkpoints.
func (l *Log) PublicKey() string { return l.pub }

// Head returns the newest stored event's seq and hash.
func (l *Log) Head() (int64, string) {
	l.headMu.Lock()
	defer l.headMu.Unlock()
	return l.durableSeq, l.durableHead
}

func (l *Log) setDurable() {
	l.headMu.Lock()
	l.durableSeq, l.durableHead = l.seq, l.head
	l.headMu.Unlock()
}

// Stats returns the Log's counters.
func (l *Log) Stats() Stats {
	return Stats{Written: l.written.Load(), Batches: l.batches.Load(), Retries: l.retries.Load(),
		Queued: len(l.queue)}
}

// Record queues e for the chain and returns; Seq, Hash and PrevHash are
// assigned by the writer. A zero At becomes now. Strings are made valid UTF-8
// without NUL bytes (PostgreSQL refuses both, which would jam the writer) and
// cut to a bounded length. Record blocks while the queue is full. After Close
// the event cannot be stored and is logged at error level instead.
func (l *Log) Record(e dossier.Event) {
	Sanitize(&e)
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		l.logLost("audit: event recorded after Close", &e)
		return
	}
	l.queue <- item{ev: e}
}

// RecordDurable records e as Record does and returns once it is stored, so
// that a change is never answered before its audit event would survive a
// crash. The writer stores it without waiting for more events to batch
// with it. ctx ends the wait only (the event is queued all the same and
// stored later); after Close the event is logged and an error returned.
func (l *Log) RecordDurable(ctx context.Context, e dossier.Event) error {
	Sanitize(&e)
	reply := make(chan result, 1)
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		l.logLost("audit: event recorded after Close", &e)
		return errors.New("audit: log closed")
	}
	// Queued even when ctx ends meanwhile: an event is never dropped.
	l.queue <- item{ev: e, reply: reply}
	l.mu.RUnlock()
	select {
	case r := <-reply:
		return r.err
	case <-ctx.Done():
		return l.waitErr("record", ctx.Err())
	}
}

// Flush returns once every event recorded before the call is stored, or with
// ctx's error (and the store's last error) if that takes too long.
func (l *Log) Flush(ctx context.Context) error {
	_, err := l.sync(ctx, false)
	return err
}

// Checkpoint stores everything recorded so far and signs the head now (unless
// the head is signed already); it returns the head's checkpoint, the statement
// to hand to an auditor.
func (l *Log) Checkpoint(ctx context.Context) (*dossier.Checkpoint, error) {
	return l.sync(ctx, true)
}

func (l *Log) sync(ctx context.Context, checkpoint bool) (*dossier.Checkpoint, error) {
	reply := make(chan result, 1)
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		return nil, errors.New("audit: log closed")
	}
	select {
	case l.queue <- item{reply: reply, marker: true, checkpoint: checkpoint}:
		l.mu.RUnlock()
	case <-ctx.Done():
		l.mu.RUnlock()
		return nil, l.waitErr("flush", ctx.Err())
	}
	select {
	case r := <-reply:
		return r.cp, r.err
	case <-ctx.Done():
		return nil, l.waitErr("flush", ctx.Err())
	}
}

func (l *Log) waitErr(op string, err error) error {
	if last := l.lastErr.Load(); last != nil {
		return fmt.Errorf("audit: %s: %w (store failing: %s)", op, err, *last)
	}
	return fmt.Errorf("audit: %s: %w", op, err)
}

// Close stores everything recorded, signs the final head and stops the writer.
// If ctx expires first (the store keeps failing), the writer gives up: the
// events not stored are logged at error level and Close reports how it ended.
// Calling Close again waits for the same shutdown.
func (l *Log) Close(ctx context.Context) error {
	l.closeMu.Lock()
	first := !l.closeRun
	l.closeRun = true
	l.closeMu.Unlock()
	if first {
		// Taking the write lock waits for senders blocked on a full queue,
		// which the writer (retrying, or after giveUp discarding) releases.
		go func() {
			l.mu.Lock()
			l.closed = true
			close(l.queue)
			l.mu.Unlock()
		}()
	}
	select {
	case <-l.done:
	case <-ctx.Done():
		select {
		case <-l.done:
			return l.closeErr
		default:
		}
		l.giveUp()
		<-l.done
		if l.closeErr == nil {
			return l.waitErr("close", ctx.Err())
		}
	}
	return l.closeErr
}

// run is the writer goroutine.
func (l *Log) run() {
	defer close(l.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	batch := make([]*dossier.Event, 0, l.opts.BatchSize)
	var replies []item
	for {
		it, ok := <-l.queue
		if !ok {
			l.finish()
			return
		}
		batch, replies = batch[:0], replies[:0]
		open := true
		add := func(it item) {
			if !it.marker {
				e := it.ev
				batch = append(batch, &e)
			}
			if it.reply != nil {
				replies = append(replies, it)
			}
		}
		add(it)
		deadline := time.Now().Add(l.opts.Linger)
	gather:
		for len(batch) < l.opts.BatchSize && len(replies) == 0 {
			select {
			case it, ok := <-l.queue:
				if !ok {
					open = false
					break gather
				}
				add(it)
				continue
			default:
			}
			wait := time.Until(deadline)
			if wait <= 0 {
				break gather
			}
			timer.Reset(wait)
			select {
			case it, ok := <-l.queue:
				timer.Stop()
				if !ok {
					open = false
					break gather
				}
				add(it)
			case <-timer.C:
				break gather
			}
		}
		err := l.write(batch)
		for _, r := range replies {
			res := result{err: err}
			if err == nil && r.checkpoint {
				res.cp, res.err = l.checkpoint()
			}
			r.reply <- res
		}
		if !open {
			l.finish()
			return
		}
	}
}

// finish signs the final head when the queue is closed and drained.
func (l *Log) finish() {
	if l.abort.Err() != nil {
		return
	}
	if _, err := l.checkpoint(); err != nil {
		l.closeErr = err
	}
}

// write chains batch after the head and stores it, retrying until it is
// stored or Close gives up.
func (l *Log) write(batch []*dossier.Event) error {
	if len(batch) == 0 {
		return nil
	}
	l.chain(batch)
	err := l.retry("append events", func() error {
		err := l.store.AppendEvents(l.abort, batch)
		if dossier.ErrorCode(err) != dossier.ECONFLICT {
			return err
		}
		if l.stored(batch) {
			return nil
		}
		if rerr := l.resync(l.abort); rerr != nil {
			return rerr
		}
		l.log.Warn("audit: chain moved under this writer; re-chaining batch", "after_seq", l.seq)
		l.chain(batch)
		return err
	})
	if err != nil {
		for _, e := range batch {
			l.logLost("audit: event not stored", e)
		}
		return err
	}
	last := batch[len(batch)-1]
	l.seq, l.head = last.Seq, last.Hash
	l.setDurable()
	l.written.Add(int64(len(batch)))
	l.batches.Add(1)
	for _, e := range batch {
		if e.Seq%l.opts.CheckpointEvery == 0 {
			l.sign(e.Seq, e.Hash)
		}
	}
	return nil
}

func (l *Log) chain(batch []*dossier.Event) {
	seq, head := l.seq, l.head
	for _, e := range batch {
		Chain(e, seq, head)
		seq, head = e.Seq, e.Hash
	}
}

// stored reports whether batch is in the store already: AppendEvents is one
// transaction, so its first event being there with the same hash means all are.
func (l *Log) stored(batch []*dossier.Event) bool {
	evs, err := l.store.Events(l.abort, dossier.AuditFilter{AfterSeq: batch[0].Seq - 1, Limit: 1})
	return err == nil && len(evs) == 1 && evs[0].Seq == batch[0].Seq && evs[0].Hash == batch[0].Hash
}

// checkpoint signs the head unless it is signed already.
func (l *Log) checkpoint() (*dossier.Checkpoint, error) {
	if l.seq == 0 {
		return nil, nil
	}
	if l.signed == l.seq {
		cps, err := l.store.Checkpoints(l.abort, 0, 1)
		if err == nil && len(cps) == 1 && cps[0].Seq == l.seq {
			return cps[0], nil
		}
	}
	return l.sign(l.seq, l.head)
}

func (l *Log) sign(seq int64, head string) (*dossier.Checkpoint, error) {
	cp := sign(l.key, seq, head, time.Now())
	err := l.retry("add checkpoint", func() error {
		err := l.store.AddCheckpoint(l.abort, cp)
		if dossier.ErrorCode(err) == dossier.ECONFLICT {
			return nil // another writer signed this seq
		}
		return err
	})
	if err != nil {
		l.log.Error("audit: checkpoint not stored", "seq", seq, "head", head, "err", err)
		return nil, err
	}
	if seq > l.signed {
		l.signed = seq
	}
	return cp, nil
}

// retry runs fn until it succeeds or Close gives up, backing off between
// attempts.
func (l *Log) retry(op string, fn func() error) error {
	backoff := 10 * time.Millisecond
	for {
		if err := l.abort.Err(); err != nil {
			return fmt.Errorf("audit: %s: gave up: %w", op, err)
		}
		err := fn()
		if err == nil {
			l.lastErr.Store(nil)
			return nil
		}
		msg := err.Error()
		l.lastErr.Store(&msg)
		l.retries.Add(1)
		l.log.Error("audit: store failed; retrying", "op", op, "err", err, "backoff", backoff)
		select {
		case <-time.After(backoff):
		case <-l.abort.Done():
		}
		backoff = min(backoff*2, l.opts.MaxBackoff)
	}
}

func (l *Log) logLost(msg string, e *dossier.Event) {
	l.log.Error(msg, "at", e.At.UTC().Format(TimeLayout), "actor", e.Actor, "role", e.Role,
		"action", e.Action, "object_type", e.ObjectType, "object_id", e.ObjectID, "case_id", e.CaseID,
		"ip", e.IP, "user_agent", e.UserAgent, "request_id", e.RequestID, "status", e.Status,
		"outcome", e.Outcome, "detail", e.Detail)
}

// Field limits keep one event from growing a batch without bound.
const (
	maxDetail = 8 << 10
	maxField  = 512
)

// Sanitize makes e storable, as Record does for every event: a zero or
// impossible At becomes now, and each string is made valid UTF-8 without NUL
// bytes (PostgreSQL refuses both) and cut to a bounded length. Events
// appended without a Log (the operator's commands) go through it too.
func Sanitize(e *dossier.Event) {
	if e.At.IsZero() || e.At.Year() < 1 || e.At.Year() > 9999 {
		e.At = time.Now()
	}
	e.Actor = clean(e.Actor, maxField)
	e.Role = clean(e.Role, maxField)
	e.Action = clean(e.Action, maxField)
	e.ObjectType = clean(e.ObjectType, maxField)
	e.ObjectID = clean(e.ObjectID, maxField)
	e.CaseID = clean(e.CaseID, maxField)
	e.IP = clean(e.IP, maxField)
	e.UserAgent = clean(e.UserAgent, maxField)
	e.RequestID = clean(e.RequestID, maxField)
	e.Outcome = clean(e.Outcome, maxField)
	e.Detail = clean(e.Detail, maxDetail)
}

func clean(s string, max int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	}
	if len(s) > max {
		cut := max - len("…")
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
