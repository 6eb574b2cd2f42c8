package audit

import (
	"context"
	"encoding/base64"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
)

// Trail is the read side of the audit log for admins and auditors: filtered
// lists with cursors, streaming CSV export, chain verification and the signed
// checkpoints an auditor can keep outside the system.
type Trail struct {
	Store dossier.AuditStore
	Log   *Log // flushed before verification so the answer covers every request so far
}

// Page is one page of events.
type Page struct {
	Items []*dossier.Event `json:"items"`
	Total int              `json:"total"` // events matching the filter, on all pages
	Next  string           `json:"next"`
}

// ParseCursor decodes a cursor from a previous page (the last seq seen).
func ParseCursor(c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		var n int64
		if n, err = strconv.ParseInt(string(b), 10, 64); err == nil && n >= 0 {
			return n, nil
		}
	}
	return 0, &dossier.Error{Code: dossier.EINVALID, Message: "invalid fields",
		Fields: []dossier.FieldError{{Field: "cursor", Message: "is not a cursor from a previous page"}}}
}

func cursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(seq, 10)))
}

// note names, in the audit event of the request, the case and the filter
// of a list or export of the trail, so the trail shows who read or took a
// copy of which part of it.
func note(ctx context.Context, what string, f dossier.AuditFilter) {
	n := dossier.NoteFrom(ctx)
	if f.CaseID != "" {
		n.CaseID = f.CaseID
	}
	var parts []string
	if what != "" {
		parts = append(parts, what)
	}
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("actor", f.Actor)
	add("case_id", f.CaseID)
	add("action", f.Action)
	add("object", f.Object)
	if !f.From.IsZero() {
		add("from", f.From.UTC().Format(time.RFC3339))
	}
	if !f.To.IsZero() {
		add("to", f.To.UTC().Format(time.RFC3339))
	}
	add("q", f.Q)
	n.Detail = strings.Join(parts, " ")
}

// List returns one page of events matching f, oldest first.
func (t *Trail) List(ctx context.Context, a *dossier.Actor, f dossier.AuditFilter) (*Page, error) {
	note(ctx, "", f)
	if err := policy.Can(a, policy.AuditRead, ""); err != nil {
		return nil, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if err := t.settle(ctx); err != nil {
		return nil, err
	}
	if maskedQuery(a, f.Q) {
		p, err := t.listMasked(ctx, f)
		if err != nil {
			return nil, err
		}
		mask(a, p.Items)
		return p, nil
	}
	evs, err := t.Store.Events(ctx, dossier.AuditFilter{Actor: f.Actor, CaseID: f.CaseID, Action: f.Action,
		Object: f.Object, From: f.From, To: f.To, Q: f.Q, AfterSeq: f.AfterSeq, Limit: f.Limit + 1})
	if err != nil {
		return nil, err
	}
	p := &Page{Items: evs, Total: len(evs)}
	if len(evs) > f.Limit {
		p.Items = evs[:f.Limit]
		p.Next = cursor(p.Items[len(p.Items)-1].Seq)
	}
	// A first page that holds every match needs no count.
	if f.AfterSeq != 0 || p.Next != "" {
		if p.Total, err = t.total(ctx, f); err != nil {
			return nil, err
		}
	}
	mask(a, p.Items)
	return p, nil
}

// total counts the events matching f on all pages. Without a filter it is
// the head's seq, read without counting: Chain numbers the events 1, 2, 3…
// and the database refuses to delete any (migration 00009), so the head's
// seq is the number of events. A gap would be a broken chain, which Verify
// reports. Filtered counts are the store's (see sqlstore.CountEvents for
// what each filter costs).
func (t *Trail) total(ctx context.Context, f dossier.AuditFilter) (int, error) {
	if (f != dossier.AuditFilter{AfterSeq: f.AfterSeq, Limit: f.Limit}) {
		return t.Store.CountEvents(ctx, f)
	}
	last, err := t.Store.LastEvent(ctx)
	if dossier.ErrorCode(err) == dossier.ENOTFOUND {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	return int(last.Seq), nil
}

// settle stores every event recorded so far before the trail is read: the
// writer batches events (waiting up to Options.Linger for more), and an
// auditor's page, export or verification must include everything that
// happened before the request, the auditor's own previous requests too.
func (t *Trail) settle(ctx context.Context) error {
	if t.Log == nil {
		return nil
	}
	return t.Log.Flush(ctx)
}

// mask hides personal data in details for roles that do not need it. A masked
// row no longer recomputes to its stored hash: chain proofs come from
// /audit/verify (or `dossier audit verify`), which reads the stored rows.
func mask(a *dossier.Actor, evs []*dossier.Event) {
	if !policy.Masked(a) {
		return
	}
	for _, e := range evs {
		e.Detail = policy.MaskText(e.Detail)
	}
}

// Export streams every event matching f as CSV, a page at a time, so the
// export runs in bounded memory however long the trail is.
func (t *Trail) Export(ctx context.Context, a *dossier.Actor, f dossier.AuditFilter, w io.Writer) error {
	note(ctx, "csv export", f)
	if err := policy.Can(a, policy.AuditRead, ""); err != nil {
		return err
	}
	if err := t.settle(ctx); err != nil {
		return err
	}
	cw, err := NewCSVWriter(w)
	if err != nil {
		return err
	}
	if maskedQuery(a, f.Q) {
		var werr error
		err := t.scanMasked(ctx, f, func(e *dossier.Event) bool {
			mask(a, []*dossier.Event{e})
			werr = cw.Write(e)
			return werr == nil
		})
		if err != nil {
			return err
		}
		if werr != nil {
			return werr
		}
		return cw.Flush()
	}
	f.Limit = 5000
	for {
		evs, err := t.Store.Events(ctx, f)
		if err != nil {
			return err
		}
		mask(a, evs)
		for _, e := range evs {
			if err := cw.Write(e); err != nil {
				return err
			}
		}
		if err := cw.Flush(); err != nil {
			return err
		}
		if len(evs) < f.Limit {
			return nil
		}
		f.AfterSeq = evs[len(evs)-1].Seq
	}
}

// Verify checks the whole chain and its signed checkpoints.
func (t *Trail) Verify(ctx context.Context, a *dossier.Actor) (Report, error) {
	return t.VerifyAnchored(ctx, a, nil)
}

// VerifyAnchored is Verify through heads kept outside the database (seq →
// hash, from checkpoints handed out earlier): the recomputed chain must
// pass through each, which a chain rewritten and re-hashed, its checkpoints
// deleted, cannot.
func (t *Trail) VerifyAnchored(ctx context.Context, a *dossier.Actor, anchors map[int64]string) (Report, error) {
	if err := policy.Can(a, policy.AuditRead, ""); err != nil {
		return Report{}, err
	}
	if err := t.settle(ctx); err != nil {
		return Report{}, err
	}
	// Pin our own signing key: someone able to rewrite the database could
	// otherwise re-sign a rewritten chain with a key of their own.
	opts := VerifyOptions{Anchors: anchors}
	if t.Log != nil {
		opts.TrustedKeys = []string{t.Log.PublicKey()}
	}
	return VerifyWith(ctx, t.Store, opts)
}

// Checkpoints returns the newest signed checkpoints and the key that signs them.
func (t *Trail) Checkpoints(ctx context.Context, a *dossier.Actor, beforeSeq int64, limit int) ([]*dossier.Checkpoint, int, error) {
	if err := policy.Can(a, policy.AuditRead, ""); err != nil {
		return nil, 0, err
	}
	cps, err := t.Store.Checkpoints(ctx, beforeSeq, limit)
	if err != nil {
		return nil, 0, err
	}
	n, err := t.Store.CountCheckpoints(ctx)
	return cps, n, err
}
