package audit

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dossier/dossier/internal/dossier"
)

// Report is the outcome of Verify. FirstBroken is the seq of the first event
// that cannot be trusted: the altered one, the first missing one, or the first
// one out of place.
type Report struct {
	OK          bool     `json:"ok"`
	Events      int64    `json:"events"` // events checked and found good
	Head        string   `json:"head"`   // hash of the last good event
	HeadSeq     int64    `json:"head_seq"`
	FirstBroken int64    `json:"seq,omitempty"`
	Reason      string   `json:"reason,omitempty"`
	Checkpoints int      `json:"checkpoints"` // signed checkpoints checked
	Keys        []string `json:"keys,omitempty"`
}

// VerifyOptions adds what an auditor brings from outside the database.
type VerifyOptions struct {
	// Progress, if set, is called with the number of events checked every
	// 10,000 events and at the end.
	Progress func(n int64)
	// TrustedKeys are the base64 ed25519 public keys checkpoints may be
	// signed with (Log.PublicKey, or PublicKey of the key file). Empty
	// accepts any key whose signature verifies, and Report.Keys lists them:
	// someone who can rewrite the database can also sign with a key of their
	// own, so a verification meant as proof must pin the key.
	TrustedKeys []string
	// Anchors are heads handed out earlier (seq → hash), e.g. from a
	// checkpoint an auditor kept; the recomputed chain must pass through them.
	Anchors map[int64]string
}

// ParseAnchor reads a head kept outside the database, written SEQ:HASH
// (a seq from 1 and the 64-digit hex sha256 head at it).
func ParseAnchor(v string) (int64, string, error) {
	s, h, ok := strings.Cut(strings.TrimSpace(v), ":")
	seq, err := strconv.ParseInt(s, 10, 64)
	h = strings.ToLower(h)
	if !ok || err != nil || seq < 1 || !hexHead.MatchString(h) {
		return 0, "", fmt.Errorf("%q is not SEQ:HASH (a seq from 1 and a 64-digit hex sha256)", v)
	}
	return seq, h, nil
}

var hexHead = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Verify recomputes the whole chain in store: see VerifyWith.
func Verify(ctx context.Context, store dossier.AuditStore, progress func(n int64)) (Report, error) {
	return VerifyWith(ctx, store, VerifyOptions{Progress: progress})
}

// scanPage is how many events the reader hands over at a time.
const scanPage = 1024

// VerifyWith streams every event in seq order and checks that seqs run 1, 2,
// 3… without gaps (a gap is a deleted event), that each event's PrevHash is the
// previous event's hash (a break is a deletion or reordering), and that each
// event's hash recomputes (a mismatch is an alteration; because Seq is hashed,
// swapping two events' seqs shows up here too). It checks every stored
// checkpoint's signature, its key against TrustedKeys, and that the chain's
// hash at its seq is the signed head; a checkpoint or anchor beyond the last
// event reveals a deleted tail. Events after the newest checkpoint (and
// anchor) are protected by the links alone: cutting them off leaves a shorter
// valid chain, which is why Log signs every CheckpointEvery events and at
// Close. Tampering is reported in Report; the error is only for failures to
// read the store.
func VerifyWith(ctx context.Context, store dossier.AuditStore, o VerifyOptions) (Report, error) {
	var r Report
	cps, err := store.Checkpoints(ctx, 0, math.MaxInt32)
	if err != nil {
		return r, fmt.Errorf("audit: verify: %w", err)
	}
	broken := func(seq int64, format string, args ...any) {
		// Events start at 1, and 0 means "nothing broken": a checkpoint
		// claiming a seq below 1 is charged to the first event.
		seq = max(seq, 1)
		if r.FirstBroken == 0 || seq < r.FirstBroken {
			r.FirstBroken, r.Reason = seq, fmt.Sprintf(format, args...)
		}
	}
	heads := make(map[int64]string, len(cps)+len(o.Anchors))
	for seq, h := range o.Anchors {
		heads[seq] = h
	}
	for _, c := range cps {
		r.Checkpoints++
		if !slices.Contains(r.Keys, c.PublicKey) {
			r.Keys = append(r.Keys, c.PublicKey)
		}
		if err := VerifyCheckpoint(c); err != nil {
			broken(c.Seq, "checkpoint at seq %d: bad signature", c.Seq)
			continue
		}
		if len(o.TrustedKeys) > 0 && !slices.Contains(o.TrustedKeys, c.PublicKey) {
			broken(c.Seq, "checkpoint at seq %d: signed by an untrusted key", c.Seq)
			continue
		}
		if h, ok := heads[c.Seq]; ok && h != c.Head {
			broken(c.Seq, "checkpoint at seq %d: head differs from the anchor", c.Seq)
			continue
		}
		heads[c.Seq] = c.Head
	}

	// Reading rows and hashing them each take about half the time, so the
	// store is read in a second goroutine while this one checks.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan []*dossier.Event, 4)
	var scanErr error
	go func() {
		defer close(pages)
		page := make([]*dossier.Event, 0, scanPage)
		send := func() error {
			select {
			case pages <- page:
				page = make([]*dossier.Event, 0, scanPage)
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		scanErr = store.ScanEvents(ctx, 0, func(e *dossier.Event) error {
			if page = append(page, e); len(page) == scanPage {
				return send()
			}
			return nil
		})
		if scanErr == nil && len(page) > 0 {
			scanErr = send()
		}
	}()

	prev, next := Genesis, int64(1)
	stopped := false
	var buf []byte
	var h string
	for page := range pages {
		if stopped {
			continue // drain so the reader can finish
		}
		for _, e := range page {
			h, buf = hashBuf(buf, e)
			switch {
			case e.Seq < next:
				// Only SQLite can hold it: a seq stored as a fraction or
				// a BLOB sorts after its integer, and reads back as one.
				broken(next, "a row after event %d repeats seq %d (inserted)", next-1, e.Seq)
			case e.Seq != next:
				broken(next, "events %d to %d missing", next, e.Seq-1)
			case e.PrevHash != prev:
				broken(e.Seq, "event %d does not link to event %d (deleted or reordered)", e.Seq, e.Seq-1)
			case h != e.Hash:
				broken(e.Seq, "event %d does not match its hash (altered)", e.Seq)
			case heads[e.Seq] != "" && heads[e.Seq] != e.Hash:
				broken(e.Seq, "chain at seq %d differs from its signed head (events up to it rewritten)", e.Seq)
			default:
				r.Events++
				r.Head, r.HeadSeq = e.Hash, e.Seq
				prev, next = e.Hash, e.Seq+1
				if o.Progress != nil && r.Events%10000 == 0 {
					o.Progress(r.Events)
				}
				continue
			}
			stopped = true
			cancel()
			break
		}
	}
	if !stopped {
		if scanErr != nil {
			return r, fmt.Errorf("audit: verify: %w", scanErr)
		}
		// The scan reached the end: anything signed beyond it was deleted.
		for seq := range heads {
			if seq >= next {
				broken(next, "events from %d missing: a checkpoint or anchor covers seq %d", next, seq)
			}
		}
	}
	if o.Progress != nil {
		o.Progress(r.Events)
	}
	r.OK = r.FirstBroken == 0
	return r, nil
}
