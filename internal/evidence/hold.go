package evidence

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
)

// Hold puts an item on legal hold (hold=true, a reason required) or lifts
// the hold; hold nil is an invalid request, answered only after the policy
// check so an invisible item stays invisible. The storage lock of every version's blob follows: on a locking
// S3 bucket the objects themselves then refuse deletion.
func (v *Vault) Hold(ctx context.Context, a *dossier.Actor, id string, holdp *bool, reason string) (*dossier.Evidence, error) {
	e, err := v.item(ctx, a, policy.EvidenceHold, id)
	if err != nil {
		return nil, err
	}
	if holdp == nil {
		return nil, fieldErr("hold", "is required (true or false)")
	}
	hold := *holdp
	reason = strings.TrimSpace(reason)
	if hold && reason == "" {
		return nil, fieldErr("reason", "is required to put an item on hold")
	}
	if utf8.RuneCountInString(reason) > 1000 {
		return nil, fieldErr("reason", "must be at most 1000 characters")
	}
	if e.DeletedAt != nil {
		return nil, dossier.Errorf(dossier.ECONFLICT, "the item is deleted")
	}
	vs, err := v.Store.Versions(ctx, id)
	if err != nil {
		return nil, err
	}
	// The reason for lifting a hold goes to the audit trail only.
	stored := reason
	if !hold {
		stored = ""
	}
	wasHold, wasReason := e.Hold, e.HoldReason
	e.Hold, e.HoldReason = hold, stored
	// Hold: storage first, then the record, so the record never claims a
	// hold the storage does not enforce. Release: the reverse.
	if hold {
		if err := v.lockVersions(ctx, vs, e); err != nil {
			// Versions locked before the failure go back to what the
			// record says, where the store lets us.
			if rerr := v.lockVersions(context.WithoutCancel(ctx), vs, nil); rerr != nil && v.Log != nil {
				v.Log.Warn("evidence: hold failed and some stored versions stay locked until the next hold or release",
					"evidence", id, "err", rerr)
			}
			return nil, err
		}
	}
	// Only the hold columns: the item may have been indexed since it was
	// read, and a stale copy must not undo that.
	if err := v.Store.HoldEvidence(ctx, id, hold, stored); err != nil {
		if hold {
			// The record did not take the hold (deleted meanwhile, the
			// database gone): the storage must not keep one that no record
			// shows and none could lift.
			if rerr := v.lockVersions(context.WithoutCancel(ctx), vs, nil); rerr != nil && v.Log != nil {
				v.Log.Warn("evidence: hold not recorded and some stored versions stay locked until the next hold or release",
					"evidence", id, "err", rerr)
			}
		}
		if dossier.ErrorCode(err) == dossier.ECONFLICT {
			return nil, dossier.Errorf(dossier.ECONFLICT, "the item is deleted")
		}
		return nil, err
	}
	if !hold {
		if err := v.lockVersions(ctx, vs, e); err != nil {
			// The storage still holds the bytes: the record goes back to
			// the hold, so that the refused release (503) changed nothing
			// and record and storage agree. Left released, the record
			// would say what the storage does not do, and the audit trail
			// would show only a failed request for a hold that was lifted.
			if rerr := v.Store.HoldEvidence(context.WithoutCancel(ctx), id, wasHold, wasReason); rerr != nil {
				return nil, fmt.Errorf("%w; restoring the hold on the record also failed: %v", err, rerr)
			}
			// Versions released before the failure are locked again, as
			// the restored record says, where the store lets us.
			if rerr := v.lockVersions(context.WithoutCancel(ctx), vs, nil); rerr != nil && v.Log != nil {
				v.Log.Warn("evidence: release failed and some stored versions stay unlocked until the next hold",
					"evidence", id, "err", rerr)
			}
			return nil, err
		}
	}
	if e, err = v.Store.Evidence(ctx, id); err != nil {
		return nil, err
	}
	if hold {
		dossier.NoteFrom(ctx).Detail = "legal hold: " + reason
	} else {
		dossier.NoteFrom(ctx).Detail = "legal hold lifted" + prefixed(": ", reason)
	}
	return e, nil
}

func prefixed(p, s string) string {
	if s == "" {
		return ""
	}
	return p + s
}

func (v *Vault) lockVersions(ctx context.Context, vs []*dossier.EvidenceVersion, e *dossier.Evidence) error {
	seen := map[string]bool{}
	for _, ver := range vs {
		if seen[ver.SHA256] {
			continue
		}
		seen[ver.SHA256] = true
		if err := v.syncLock(ctx, ver.SHA256, e); err != nil {
			return err
		}
	}
	return nil
}

// syncLock sets the storage lock of a blob to the combined state of every
// item using it (blobs are shared across cases): the latest retention date
// and a legal hold if any item is held. pending is an item whose state is
// newer than the store's (or not stored yet); it replaces its stored copy.
func (v *Vault) syncLock(ctx context.Context, sha string, pending *dossier.Evidence) error {
	items, err := v.Store.EvidenceByBlob(ctx, sha)
	if err != nil {
		return err
	}
	if pending != nil {
		items = append(slices.DeleteFunc(items, func(e *dossier.Evidence) bool { return e.ID == pending.ID }), pending)
	}
	until, hold := combinedLock(items)
	if err := v.Blobs.Lock(ctx, sha, until, hold); err != nil {
		return storageError("could not lock the stored bytes", fmt.Errorf("lock %s: %w", sha, err))
	}
	return nil
}

// Delete tombstones an item: it disappears from lists but its record and
// bytes stay. ELOCKED (423) while the item is on hold or inside its
// retention period.
func (v *Vault) Delete(ctx context.Context, a *dossier.Actor, id string) error {
	e, err := v.item(ctx, a, policy.EvidenceDelete, id)
	if err != nil {
		return err
	}
	now := v.now()
	if err := deletable(e, now); err != nil {
		return err
	}
	// The store checks hold and retention again in the same statement: a
	// hold placed after the read above still stops the deletion.
	if err := v.Store.TombstoneEvidence(ctx, id, now); dossier.ErrorCode(err) == dossier.ECONFLICT {
		if e, err = v.Store.Evidence(ctx, id); err != nil {
			return err
		}
		if err := deletable(e, now); err != nil {
			return err
		}
		return dossier.Errorf(dossier.ECONFLICT, "the item changed meanwhile; try again")
	} else if err != nil {
		return err
	}
	e.DeletedAt = &now
	dossier.NoteFrom(ctx).Detail = "tombstoned; bytes kept: sha256=" + e.SHA256
	// The indexing queue also handles tombstones: it drops the item from
	// the search index.
	if v.OnIngest != nil {
		v.OnIngest(ctx, e)
	}
	return nil
}

// deletable says why an item may not be deleted at now, if it may not.
func deletable(e *dossier.Evidence, now time.Time) error {
	if e.DeletedAt != nil {
		return dossier.NotFound("evidence")
	}
	if e.Hold {
		return dossier.Errorf(dossier.ELOCKED, "the item is on legal hold: %s", e.HoldReason)
	}
	if e.RetainUntil != nil && now.Before(*e.RetainUntil) {
		return dossier.Errorf(dossier.ELOCKED, "the item is retained until %s", e.RetainUntil.Format(time.RFC3339))
	}
	return nil
}
