// Package evidence is the evidence vault: it streams uploads into the blob
// store while hashing them, writes the record only once the bytes are
// durable, keeps every version, enforces legal hold and retention (mirrored
// onto the storage's own object lock where it has one), and re-reads stored
// bytes on demand to prove they are unchanged (fixity).
//
// The order of an upload is what makes "no record without bytes" hold: the
// body streams into blob.Put, which commits the bytes under their sha256 or
// nothing at all; the storage lock is applied; only then is the record
// inserted, in one transaction with its first version. A crash anywhere
// before the insert leaves at most an unreferenced blob, which Sweep removes.
package evidence

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
)

// DefaultMaxUpload is the file size limit when Vault.MaxUpload is zero.
const DefaultMaxUpload = 4 << 30

// formSlack is what a multipart body may carry beyond the file itself: the
// text fields (a transcript up to 4 MiB) and the part headers.
const formSlack = 8 << 20

// Vault is the evidence capability.
type Vault struct {
	Store dossier.Store
	Blobs blob.Store
	Now   func() time.Time
	// Retention is how long after upload an item may not be deleted; zero
	// means no retention period.
	Retention time.Duration
	// MaxUpload is the largest accepted file in bytes (DOSSIER_MAX_UPLOAD).
	MaxUpload int64
	// OnIngest, when set, is called after a new item or version has been
	// committed, with text_status "pending": the extraction queue hooks in
	// here. It must not block for long; the request waits for it.
	OnIngest func(ctx context.Context, e *dossier.Evidence)
	Log      *slog.Logger
	// Location is the business time zone (DOSSIER_TZ): an occurred_at given
	// as a bare date is the start of that day there, as the web form reads
	// it, so the recovery rules, which take the calendar day in this zone,
	// see the date that was typed. Nil means UTC.
	Location *time.Location
}

func (v *Vault) location() *time.Location {
	if v.Location == nil {
		return time.UTC
	}
	return v.Location
}

func (v *Vault) now() time.Time {
	if v.Now == nil {
		return time.Now().UTC()
	}
	return v.Now().UTC()
}

func (v *Vault) maxUpload() int64 {
	if v.MaxUpload <= 0 {
		return DefaultMaxUpload
	}
	return v.MaxUpload
}

// MaxBody is the limit the HTTP layer puts on a whole multipart body.
func (v *Vault) MaxBody() int64 { return v.maxUpload() + formSlack }

// item loads an item the actor may act on; invisible items are ENOTFOUND,
// exactly like absent ones.
func (v *Vault) item(ctx context.Context, a *dossier.Actor, act policy.Action, id string) (*dossier.Evidence, error) {
	dossier.Note(ctx, "", "evidence", id)
	if a == nil {
		return nil, dossier.Errorf(dossier.EUNAUTHENTICATED, "authentication required")
	}
	e, err := v.Store.Evidence(ctx, id)
	if err != nil {
		return nil, err
	}
	dossier.Note(ctx, e.CaseID, "evidence", e.ID)
	if err := policy.Can(a, act, e.CaseID); err != nil {
		if dossier.ErrorCode(err) == dossier.ENOTFOUND {
			return nil, dossier.NotFound("evidence")
		}
		return nil, err
	}
	return e, nil
}

// caseFor checks the actor's right on a case and that the case exists.
func (v *Vault) caseFor(ctx context.Context, a *dossier.Actor, act policy.Action, caseID string) error {
	dossier.Note(ctx, caseID, "evidence", "")
	if err := policy.Can(a, act, caseID); err != nil {
		return err
	}
	_, err := v.Store.Case(ctx, caseID)
	return err
}

// Ingest reads a multipart upload (part "file" plus text fields, in any
// order) into a new item of the case. created is false when the case already
// holds a live item with the same bytes; that item is returned unchanged.
func (v *Vault) Ingest(ctx context.Context, a *dossier.Actor, caseID string, mr *FormReader) (e *dossier.Evidence, created bool, err error) {
	if err := v.caseFor(ctx, a, policy.EvidenceWrite, caseID); err != nil {
		return nil, false, err
	}
	var f *stored
	fields, err := v.readForm(mr, uploadFields, func(p *FormPart, seen map[string]string) error {
		// Refuse a bad kind before storing anything when it came first.
		if k, ok := seen["kind"]; ok && !dossier.EvidenceKind(k).Valid() {
			return kindError()
		}
		var err error
		f, err = v.storeFile(ctx, p, seen)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	e = &dossier.Evidence{CaseID: caseID, Kind: dossier.EvidenceKind(fields["kind"]), Title: fields["title"],
		Source: strings.TrimSpace(fields["source"]), Description: fields["description"],
		Transcript: fields["transcript"]}
	var fe dossier.Fields
	if f == nil {
		fe.Add("file", "is required (a multipart part named file)")
	}
	if s := strings.TrimSpace(fields["occurred_at"]); s != "" {
		t, err := parseTime(s, v.location())
		switch {
		case err != nil:
			fe.Add("occurred_at", "must be a date (2026-03-01) or an RFC 3339 time")
		case dossier.DateOf(*t).Before(dossier.MinDate):
			fe.Add("occurred_at", "must not be before 1900-01-01")
		case t.After(v.now().Add(dossier.ClockSkew)):
			fe.Add("occurred_at", "must not be in the future")
		}
		if t != nil {
			u := t.UTC() // stored times are UTC
			e.OccurredAt = &u
		}
	}
	if err := e.Validate(); err != nil {
		fe = append(fe, dossier.ErrorFields(err)...)
	}
	fe = append(fe, dossier.ErrorFields(checkDeclared(fields, f))...)
	if err := fe.Err(); err != nil {
		return nil, false, err
	}
	now := v.now()
	e.ID, e.Version, e.CreatedBy, e.CreatedAt = dossier.NewID(), 1, a.UserID(), now
	e.Filename, e.MediaType, e.Size, e.SHA256 = f.filename, f.mediaType, f.ref.Size, f.ref.SHA256
	e.DurationSec, e.AudioFormat, e.TextStatus = f.seconds, f.format, dossier.TextPending
	if e.Title == "" {
		e.Title = e.Filename
	}
	if v.Retention > 0 {
		until := now.Add(v.Retention)
		e.RetainUntil = &until
	}
	if old, err := v.Store.EvidenceBySHA(ctx, caseID, e.SHA256); err == nil {
		return v.duplicate(ctx, old)
	} else if dossier.ErrorCode(err) != dossier.ENOTFOUND {
		return nil, false, err
	}
	// The storage lock goes on before the record exists: a record whose
	// bytes the storage would let anyone delete must never be visible.
	if err := v.syncLock(ctx, e.SHA256, e); err != nil {
		return nil, false, err
	}
	if err := v.Store.CreateEvidence(ctx, e); err != nil {
		if dossier.ErrorCode(err) == dossier.ECONFLICT {
			// A concurrent upload of the same bytes won the race.
			if old, err2 := v.Store.EvidenceBySHA(ctx, caseID, e.SHA256); err2 == nil {
				return v.duplicate(ctx, old)
			}
		}
		return nil, false, err
	}
	dossier.Note(ctx, caseID, "evidence", e.ID)
	noteDetail(ctx, fmt.Sprintf("stored %q sha256=%s size=%d type=%s", e.Filename, e.SHA256, e.Size, e.MediaType)+
		declaredNote(fields))
	v.ingested(ctx, e)
	return e, true, nil
}

func (v *Vault) duplicate(ctx context.Context, old *dossier.Evidence) (*dossier.Evidence, bool, error) {
	dossier.Note(ctx, old.CaseID, "evidence", old.ID)
	noteDetail(ctx, "identical content already stored: sha256="+old.SHA256)
	return old, false, nil
}

func (v *Vault) ingested(ctx context.Context, e *dossier.Evidence) {
	if v.OnIngest != nil {
		v.OnIngest(ctx, e)
	}
}

func kindError() error {
	var f dossier.Fields
	f.Add("kind", "must be one of %s", kindList())
	return f.Err()
}

func kindList() string {
	s := make([]string, len(dossier.EvidenceKinds))
	for i, k := range dossier.EvidenceKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// parseTime reads an RFC 3339 time, or a bare date as the start of that
// day in loc (so today's date is never in the future there, and
// tomorrow's is once ClockSkew before its midnight has passed). The result
// keeps the zone it was read in, so DateOf gives the calendar day that was
// written.
func parseTime(s string, loc *time.Location) (*time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		d, err := dossier.ParseDate(s)
		if err != nil {
			return nil, err
		}
		t = d.Start(loc)
	}
	return &t, nil
}

// AddVersion stores new bytes as the next version of an item; the previous
// versions stay readable. Uploading the current bytes again changes nothing
// and answers created=false.
func (v *Vault) AddVersion(ctx context.Context, a *dossier.Actor, id string, mr *FormReader) (*dossier.Evidence, bool, error) {
	e, err := v.item(ctx, a, policy.EvidenceWrite, id)
	if err != nil {
		return nil, false, err
	}
	if e.DeletedAt != nil {
		return nil, false, dossier.Errorf(dossier.ECONFLICT, "the item is deleted; upload it as a new item")
	}
	var f *stored
	fields, err := v.readForm(mr, versionFields, func(p *FormPart, seen map[string]string) error {
		var err error
		f, err = v.storeFile(ctx, p, seen)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	if err := checkDeclared(fields, f); err != nil {
		return nil, false, err
	}
	if f == nil {
		var fe dossier.Fields
		fe.Add("file", "is required (a multipart part named file)")
		return nil, false, fe.Err()
	}
	if f.ref.SHA256 == e.SHA256 {
		noteDetail(ctx, "identical to the current version "+fmt.Sprint(e.Version))
		return e, false, nil
	}
	// The upload took a while: lock the new bytes with the item's state of
	// now (a hold placed meanwhile), not of the request's start.
	if e, err = v.Store.Evidence(ctx, e.ID); err != nil {
		return nil, false, err
	}
	if e.DeletedAt != nil {
		return nil, false, dossier.Errorf(dossier.ECONFLICT, "the item was deleted during the upload; upload the file as a new item")
	}
	if err := v.syncLock(ctx, f.ref.SHA256, e); err != nil {
		return nil, false, err
	}
	// Duration and format describe the current version's bytes: they change
	// with it, in the same statement.
	ver := &dossier.EvidenceVersion{EvidenceID: e.ID, Filename: f.filename,
		MediaType: f.mediaType, Size: f.ref.Size, SHA256: f.ref.SHA256, Note: strings.TrimSpace(fields["note"]),
		CreatedBy: a.UserID(), DurationSec: f.seconds, AudioFormat: f.format}
	// Another version may commit between the read above and this one's
	// commit. The bytes are stored by then: the upload becomes the version
	// after that one rather than a 409 that would make the client send
	// the whole file again. Each retry means another version committed, so
	// the loop only ends short when uploads keep racing.
	for attempt := 1; ; attempt++ {
		ver.N, ver.CreatedAt = e.Version+1, v.now()
		err := v.Store.AddVersion(ctx, ver)
		if err == nil {
			break
		}
		if dossier.ErrorCode(err) != dossier.ECONFLICT {
			return nil, false, err
		}
		prev := e
		if e, err = v.Store.Evidence(ctx, e.ID); err != nil {
			return nil, false, err
		}
		switch {
		case e.DeletedAt != nil:
			return nil, false, dossier.Errorf(dossier.ECONFLICT, "the item was deleted during the upload; upload the file as a new item")
		case e.Version < ver.N:
			// No other version came first: the conflict is the rule of one
			// live item per content per case, which no retry gets past.
			// The title is what the lawyer knows the item by; the ID
			// stays for API clients.
			if other, err := v.Store.EvidenceBySHA(ctx, e.CaseID, f.ref.SHA256); err == nil && other.ID != e.ID {
				return nil, false, dossier.Errorf(dossier.ECONFLICT,
					`another item of the case already has these bytes: "%s" (id %s)`, other.Title, other.ID)
			}
			return nil, false, dossier.Errorf(dossier.ECONFLICT, "the version could not be added; try again")
		case e.SHA256 == f.ref.SHA256:
			noteDetail(ctx, "identical to version "+fmt.Sprint(e.Version)+", added at the same time")
			return e, false, nil
		case attempt == maxVersionAttempts:
			return nil, false, dossier.Errorf(dossier.ECONFLICT,
				"other versions kept being added at the same time (%d tries); upload again", attempt)
		}
		if e.Hold != prev.Hold || !sameTime(e.RetainUntil, prev.RetainUntil) {
			if err := v.syncLock(ctx, f.ref.SHA256, e); err != nil {
				return nil, false, err
			}
		}
	}
	locked := e
	if e, err = v.Store.Evidence(ctx, e.ID); err != nil {
		return nil, false, err
	}
	// A hold placed between that read and the version's commit locked the
	// item's versions without this one.
	if e.Hold != locked.Hold || !sameTime(e.RetainUntil, locked.RetainUntil) {
		if err := v.syncLock(ctx, f.ref.SHA256, e); err != nil {
			return nil, false, err
		}
	}
	noteDetail(ctx, fmt.Sprintf("version %d %q sha256=%s size=%d", ver.N, ver.Filename, ver.SHA256, ver.Size)+
		declaredNote(fields))
	v.ingested(ctx, e)
	if e.Version != ver.N {
		// A later version committed right after this one: the answer
		// still describes the version this upload made.
		c := *e
		c.Version, c.Filename, c.MediaType, c.Size, c.SHA256 = ver.N, ver.Filename, ver.MediaType, ver.Size, ver.SHA256
		c.DurationSec, c.AudioFormat, c.TextStatus, c.TextError = ver.DurationSec, ver.AudioFormat, dossier.TextPending, ""
		e = &c
	}
	return e, true, nil
}

// maxVersionAttempts bounds how often a finished upload tries to become
// the next version while other versions of the same item keep committing.
const maxVersionAttempts = 8

func sameTime(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}

// Get returns an item's metadata (tombstoned items too, with deleted_at).
func (v *Vault) Get(ctx context.Context, a *dossier.Actor, id string) (*dossier.Evidence, error) {
	return v.item(ctx, a, policy.EvidenceRead, id)
}

// List returns a page of a case's items; tombstoned ones only on request.
func (v *Vault) List(ctx context.Context, a *dossier.Actor, f dossier.EvidenceFilter) ([]*dossier.Evidence, int, string, error) {
	if err := v.caseFor(ctx, a, policy.EvidenceRead, f.CaseID); err != nil {
		return nil, 0, "", err
	}
	if f.Kind != "" && !f.Kind.Valid() {
		return nil, 0, "", kindError()
	}
	return v.Store.ListEvidence(ctx, f)
}

// Versions lists an item's versions, oldest first.
func (v *Vault) Versions(ctx context.Context, a *dossier.Actor, id string) ([]*dossier.EvidenceVersion, error) {
	if _, err := v.item(ctx, a, policy.EvidenceRead, id); err != nil {
		return nil, err
	}
	return v.Store.Versions(ctx, id)
}

// Content describes bytes to send: one version of an item.
type Content struct {
	Item    *dossier.Evidence
	Version *dossier.EvidenceVersion
	blobs   blob.Store
}

// Open reads [off, off+n) of the bytes; n < 0 reads to the end. The
// stored bytes are checked against the record on the way, since whoever
// receives them is told they are the recorded sha256: their size before
// anything is read, and for a read of the whole version their digest, before
// the last byte is delivered, so a client never receives a complete copy of
// bytes that changed. A mismatch is an internal error wrapping
// blob.ErrCorrupt, and the audit note says FIXITY FAILED.
func (c *Content) Open(ctx context.Context, off, n int64) (io.ReadCloser, error) {
	ver := c.Version
	ref, err := c.blobs.Stat(ctx, ver.SHA256)
	if err == nil && ref.Size != ver.Size {
		err = fmt.Errorf("evidence: %d bytes stored under sha256 %s, want %d: %w", ref.Size, ver.SHA256, ver.Size, blob.ErrCorrupt)
		return nil, c.damaged(ctx, err)
	}
	if errors.Is(err, blob.ErrNotExist) {
		// A record without bytes is exactly what must never happen; it is
		// an internal failure, logged with its cause, not a client's 404.
		return nil, c.damaged(ctx, err)
	}
	if err != nil {
		return nil, storageError("could not read the stored bytes", err)
	}
	rc, err := c.blobs.Open(ctx, ver.SHA256, off, n)
	if err == nil && n != 0 && off < ver.Size {
		rc, err = readAhead(rc)
	}
	if errors.Is(err, blob.ErrNotExist) {
		return nil, c.damaged(ctx, err)
	}
	if err != nil {
		return nil, storageError("could not read the stored bytes", err)
	}
	if off != 0 || (n >= 0 && n < ver.Size) {
		// A range cannot be hashed without reading the rest; its size was
		// checked, and Verify re-reads the whole.
		return rc, err
	}
	return newCheckedReader(ctx, c, rc), nil
}

// readAhead reads the first byte of rc now: a store may fetch the bytes
// only at the first read (S3 does), and a store failing to deliver them
// must be an error before the caller answers 200, not a body broken off.
func readAhead(rc io.ReadCloser) (io.ReadCloser, error) {
	var b [1]byte
	for {
		n, err := rc.Read(b[:])
		if n > 0 {
			return struct {
				io.Reader
				io.Closer
			}{io.MultiReader(bytes.NewReader(b[:n]), rc), rc}, nil
		}
		if err == io.EOF {
			return rc, nil
		}
		if err != nil {
			rc.Close()
			return nil, err
		}
	}
}

// damaged notes a mismatch between stored bytes and their record (or
// their absence) in the audit trail and makes it the request's internal
// error.
func (c *Content) damaged(ctx context.Context, err error) error {
	note := dossier.NoteFrom(ctx)
	if note.Detail != "" {
		note.Detail += "; "
	}
	note.Detail += fmt.Sprintf("FIXITY FAILED on download: v%d %s %s", c.Version.N, c.Version.SHA256, problem(err))
	if errors.Is(err, blob.ErrNotExist) {
		return &dossier.Error{Code: dossier.EINTERNAL, Message: "stored bytes are missing", Err: err}
	}
	return &dossier.Error{Code: dossier.EINTERNAL, Message: "stored bytes do not match the record", Err: err}
}

// checkedReader passes a whole version's bytes through while hashing them,
// and holds the last byte back until the digest is known to match. From
// pipelineMin bytes on, a goroutine hashes copies of the bytes while they
// go on to the client, so the hashing and the copy to the socket run on
// two cores instead of one after the other (docs/benchmarks.md, stop 21);
// smaller versions are hashed inline.
type checkedReader struct {
	rc   io.ReadCloser
	h    hash.Hash // inline hashing; nil when pipelined
	p    *pipeHash // pipelined hashing; nil when inline
	left int64     // bytes of the version not yet delivered
	c    *Content
	ctx  context.Context
	err  error
}

const (
	pipelineMin = 4 << 20   // versions from this size on are hashed beside the copy
	pipeBuf     = 256 << 10 // bytes per chunk handed to the hasher
	pipeBufs    = 4         // chunks per download: 1 MiB, however large the version
)

func newCheckedReader(ctx context.Context, c *Content, rc io.ReadCloser) *checkedReader {
	r := &checkedReader{rc: rc, left: c.Version.Size, c: c, ctx: ctx}
	if c.Version.Size < pipelineMin {
		r.h = sha256.New()
	} else {
		r.p = newPipeHash()
	}
	return r
}

// pipeHash hashes, on its own goroutine, the chunks handed to it in order.
type pipeHash struct {
	chunks chan []byte // filled chunks, in order
	free   chan []byte // chunks back from the hasher
	cur    []byte      // the chunk being filled
	sum    chan string // the hex digest, once chunks is closed
	done   bool        // chunks is closed
}

func newPipeHash() *pipeHash {
	ph := &pipeHash{chunks: make(chan []byte, pipeBufs), free: make(chan []byte, pipeBufs), sum: make(chan string, 1)}
	for range pipeBufs - 1 {
		ph.free <- make([]byte, 0, pipeBuf)
	}
	ph.cur = make([]byte, 0, pipeBuf)
	go func() {
		h := sha256.New()
		for b := range ph.chunks {
			h.Write(b)
			ph.free <- b[:0]
		}
		ph.sum <- hex.EncodeToString(h.Sum(nil))
	}()
	return ph
}

// write copies b for the hasher; it waits only while every chunk is queued.
func (ph *pipeHash) write(b []byte) {
	for len(b) > 0 {
		n := min(len(b), cap(ph.cur)-len(ph.cur))
		ph.cur = append(ph.cur, b[:n]...)
		b = b[n:]
		if len(ph.cur) == cap(ph.cur) {
			ph.chunks <- ph.cur
			ph.cur = <-ph.free
		}
	}
}

// digest hands over the last chunk and waits for the digest.
func (ph *pipeHash) digest() string {
	ph.chunks <- ph.cur
	ph.stop()
	return <-ph.sum
}

// stop ends the hasher (it finishes what is queued and exits).
func (ph *pipeHash) stop() {
	if !ph.done {
		ph.done = true
		close(ph.chunks)
	}
}

func (r *checkedReader) hashed(b []byte) {
	if r.p != nil {
		r.p.write(b)
	} else {
		r.h.Write(b)
	}
}

func (r *checkedReader) Read(p []byte) (int, error) {
	switch {
	case r.err != nil:
		return 0, r.err
	case r.left == 0:
		return 0, io.EOF
	case len(p) == 0:
		return 0, nil
	case r.left > 1:
		if int64(len(p)) > r.left-1 {
			p = p[:r.left-1]
		}
		n, err := r.rc.Read(p)
		r.hashed(p[:n])
		r.left -= int64(n)
		if err == io.EOF {
			err = r.fail("ended %d bytes early", r.left)
		} else if err != nil {
			r.err = err
		}
		return n, err
	}
	var last [1]byte
	k, err := blob.Fill(r.rc, last[:])
	if k == 0 {
		if err == io.EOF {
			return 0, r.fail("ended 1 byte early")
		}
		r.err = err
		return 0, err
	}
	r.hashed(last[:])
	var got string
	if r.p != nil {
		got = r.p.digest()
	} else {
		got = hex.EncodeToString(r.h.Sum(nil))
	}
	if got != r.c.Version.SHA256 {
		return 0, r.fail("read sha256 %s", got)
	}
	r.left = 0
	p[0] = last[0]
	return 1, nil
}

func (r *checkedReader) fail(format string, a ...any) error {
	err := fmt.Errorf("evidence: stored bytes of sha256 %s "+format+": %w",
		append(append([]any{r.c.Version.SHA256}, a...), blob.ErrCorrupt)...)
	r.err = r.c.damaged(r.ctx, err)
	return r.err
}

func (r *checkedReader) Close() error {
	if r.p != nil {
		r.p.stop()
	}
	return r.rc.Close()
}

// Content returns version n of an item (0: the current one) for download.
func (v *Vault) Content(ctx context.Context, a *dossier.Actor, id string, n int) (*Content, error) {
	e, err := v.item(ctx, a, policy.EvidenceRead, id)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		n = e.Version
	}
	vs, err := v.Store.Versions(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, ver := range vs {
		if ver.N == n {
			dossier.NoteFrom(ctx).Detail = fmt.Sprintf("version %d sha256=%s", n, ver.SHA256)
			return &Content{Item: e, Version: ver, blobs: v.Blobs}, nil
		}
	}
	return nil, dossier.NotFound("version")
}
