package evidence

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
)

// VersionCheck is the fixity result of one version.
type VersionCheck struct {
	N       int    `json:"n"`
	SHA256  string `json:"sha256"`
	Size    int64  `json:"size"`
	OK      bool   `json:"ok"`
	Problem string `json:"problem,omitempty"` // "missing" or "corrupt: …"
}

// Check is the answer of Verify: OK only when every version's bytes still
// hash to their recorded sha256.
type Check struct {
	OK        bool           `json:"ok"`
	SHA256    string         `json:"sha256"`
	CheckedAt time.Time      `json:"checked_at"`
	Versions  []VersionCheck `json:"versions"`
}

func problem(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, blob.ErrNotExist):
		return "missing"
	case errors.Is(err, blob.ErrCorrupt):
		return "corrupt: " + err.Error()
	}
	return "unreadable: " + err.Error()
}

// Verify re-reads every version of an item and compares the digests.
// A mismatch is a finding, not a failure of the request: it answers
// OK=false and the audit trail records it.
func (v *Vault) Verify(ctx context.Context, a *dossier.Actor, id string) (*Check, error) {
	e, err := v.item(ctx, a, policy.EvidenceRead, id)
	if err != nil {
		return nil, err
	}
	vs, err := v.Store.Versions(ctx, id)
	if err != nil {
		return nil, err
	}
	c := &Check{OK: true, SHA256: e.SHA256, Versions: []VersionCheck{}}
	for _, ver := range vs {
		err := blob.Verify(ctx, v.Blobs, blob.Ref{SHA256: ver.SHA256, Size: ver.Size})
		if err != nil && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// The store down says nothing about the bytes: no finding, 503.
		if blob.Unavailable(err) {
			return nil, storageError("could not re-read the stored bytes", err)
		}
		vc := VersionCheck{N: ver.N, SHA256: ver.SHA256, Size: ver.Size, OK: err == nil, Problem: problem(err)}
		c.OK = c.OK && vc.OK
		c.Versions = append(c.Versions, vc)
	}
	c.CheckedAt = v.now()
	dossier.NoteFrom(ctx).Detail = checkDetail(c)
	return c, nil
}

// checkDetail is the audit detail of a fixity check: the verdict, then
// each version's sha256 and size as checked and what was found, failed
// versions first so that a detail cut at its length limit keeps them.
func checkDetail(c *Check) string {
	d := "fixity ok:"
	if !c.OK {
		d = "FIXITY FAILED:"
	}
	var bad, good []string
	for _, vc := range c.Versions {
		s := fmt.Sprintf("v%d sha256=%s size=%d %s", vc.N, vc.SHA256, vc.Size, verdict(vc))
		if vc.OK {
			good = append(good, s)
		} else {
			bad = append(bad, s)
		}
	}
	return d + " " + strings.Join(append(bad, good...), "; ")
}

// verdict is one version's result in a word: ok, mismatch (the bytes no
// longer hash to their sha256), missing, or unreadable with the reason.
func verdict(vc VersionCheck) string {
	switch {
	case vc.OK:
		return "ok"
	case strings.HasPrefix(vc.Problem, "corrupt"):
		return "mismatch"
	case vc.Problem == "missing":
		return "missing"
	}
	return vc.Problem
}

// Mismatch is one version whose bytes are missing or changed.
type Mismatch struct {
	EvidenceID string
	CaseID     string
	N          int
	SHA256     string
	Problem    string
}

func (m Mismatch) String() string {
	return fmt.Sprintf("evidence %s (case %s) version %d sha256 %s: %s", m.EvidenceID, m.CaseID, m.N, m.SHA256, m.Problem)
}

// FixityReport is what VerifyEvery found.
type FixityReport struct {
	Items    int        // evidence items checked, tombstoned included
	Versions int        // their versions
	Blobs    int        // distinct blobs re-read
	Bad      []Mismatch // versions whose bytes are missing or changed
}

// VerifyEvery re-reads every blob referenced by any version of any item
// (tombstoned included), each distinct blob once, and reports every version
// whose bytes are missing or changed. progress, when set, is called after
// each blob with the count done and the total. The blob store unavailable
// stops the check with an EUNAVAILABLE error; the report then holds what
// was found before.
func (v *Vault) VerifyEvery(ctx context.Context, progress func(done, total int, sha string, err error)) (FixityReport, error) {
	var r FixityReport
	refs := map[string]blob.Ref{}
	users := map[string][]Mismatch{}
	items := map[string]bool{}
	err := v.Store.ScanEvidence(ctx, func(e *dossier.Evidence, ver *dossier.EvidenceVersion) error {
		items[e.ID] = true
		r.Versions++
		refs[ver.SHA256] = blob.Ref{SHA256: ver.SHA256, Size: ver.Size}
		users[ver.SHA256] = append(users[ver.SHA256], Mismatch{EvidenceID: e.ID, CaseID: e.CaseID, N: ver.N, SHA256: ver.SHA256})
		return nil
	})
	if err != nil {
		return r, err
	}
	r.Items = len(items)
	shas := make([]string, 0, len(refs))
	for s := range refs {
		shas = append(shas, s)
	}
	sort.Strings(shas)
	for i, s := range shas {
		verr := blob.Verify(ctx, v.Blobs, refs[s])
		if ctx.Err() != nil {
			r.Blobs = i
			return r, ctx.Err()
		}
		// The store failing midway is no finding about the bytes: the
		// check stops, unfinished, rather than report every blob it could
		// not read as missing or changed.
		if blob.Unavailable(verr) {
			r.Blobs = i
			return r, storageError(fmt.Sprintf("could not re-read blob %s (%d of %d)", s, i+1, len(shas)), verr)
		}
		if verr != nil {
			for _, m := range users[s] {
				m.Problem = problem(verr)
				r.Bad = append(r.Bad, m)
			}
		}
		if progress != nil {
			progress(i+1, len(shas), s, verr)
		}
	}
	r.Blobs = len(shas)
	return r, nil
}

// SweepOptions configures Sweep.
type SweepOptions struct {
	// MinAge protects blobs younger than this: an upload in progress has
	// committed its blob but not yet its record. Blobs whose age the store
	// cannot tell are kept unless MinAge is zero.
	MinAge time.Duration
	// Referenced lists the other users of the blob store (generated
	// documents, for example): each calls mark for every blob it needs.
	// Evidence versions, tombstoned included, are always referenced.
	Referenced []func(ctx context.Context, mark func(sha string)) error
	// DryRun reports what would be removed without removing it.
	DryRun bool
}

// SweepResult says what Sweep did.
type SweepResult struct {
	Removed     []string // orphan blobs removed (or that would be, in a dry run)
	Young       int      // orphans kept because they are younger than MinAge
	AgeUnknown  int      // orphans kept because their age is unknown
	Locked      int      // orphans the storage refused to delete (object lock)
	TempRemoved int      // leftover temp uploads removed
}

// Sweep removes blobs no record refers to: what a crash between storing the
// bytes and writing the record leaves behind. Every user of the blob store
// must be listed in opts.Referenced, or its blobs would look orphaned; this
// package only knows evidence.
func (v *Vault) Sweep(ctx context.Context, opts SweepOptions) (*SweepResult, error) {
	res := &SweepResult{}
	// Walk first, references second: a blob committed after the walk is not
	// considered at all, and one committed before it is either referenced by
	// now or protected by MinAge.
	var all []blob.Ref
	if err := v.Blobs.Walk(ctx, func(r blob.Ref) error { all = append(all, r); return nil }); err != nil {
		return nil, err
	}
	used := map[string]bool{}
	mark := func(s string) { used[s] = true }
	err := v.Store.ScanEvidence(ctx, func(_ *dossier.Evidence, ver *dossier.EvidenceVersion) error {
		mark(ver.SHA256)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, f := range opts.Referenced {
		if err := f(ctx, mark); err != nil {
			return nil, err
		}
	}
	cutoff := time.Now().Add(-opts.MinAge)
	for _, r := range all {
		if used[r.SHA256] {
			continue
		}
		if opts.MinAge > 0 {
			mt, ok := blobTime(v.Blobs, r.SHA256)
			if !ok {
				res.AgeUnknown++
				continue
			}
			if mt.After(cutoff) {
				res.Young++
				continue
			}
		}
		if !opts.DryRun {
			if err := v.Blobs.Delete(ctx, r.SHA256); err != nil {
				if errors.Is(err, blob.ErrLocked) {
					res.Locked++
					continue
				}
				if !errors.Is(err, blob.ErrNotExist) {
					return res, err
				}
			}
		}
		res.Removed = append(res.Removed, r.SHA256)
	}
	if !opts.DryRun {
		n, err := removeTemp(ctx, v.Blobs, max(opts.MinAge, time.Hour))
		res.TempRemoved = n
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// blobTime returns when a blob was stored, where the store can tell. Only
// the disk store can today (the file's modification time; a blob's file is
// written once and made read-only). The S3 store would need to expose the
// object's LastModified.
func blobTime(s blob.Store, sha string) (time.Time, bool) {
	if t, ok := s.(interface {
		ModTime(sha string) (time.Time, error)
	}); ok {
		mt, err := t.ModTime(sha)
		return mt, err == nil
	}
	if d, ok := s.(*disk.Store); ok && blob.ValidSHA256(sha) {
		fi, err := os.Stat(filepath.Join(d.Root(), sha[0:2], sha[2:4], sha))
		if err != nil {
			return time.Time{}, false
		}
		return fi.ModTime(), true
	}
	return time.Time{}, false
}

// removeTemp clears uploads a crash left half-written, on stores that keep
// such temporaries.
func removeTemp(ctx context.Context, s blob.Store, age time.Duration) (int, error) {
	switch t := s.(type) {
	case interface {
		RemoveTemp(time.Duration) (int, error)
	}:
		return t.RemoveTemp(age)
	case interface {
		RemoveTemp(context.Context, time.Duration) (int, error)
	}:
		return t.RemoveTemp(ctx, age)
	}
	return 0, nil
}
