package audit_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

// snapshot keeps the trail as it is, for restore to put back after an attack.
func (tp tamper) snapshot() {
	tp.exec(`CREATE TABLE kept_events AS SELECT * FROM audit_events`)
	tp.exec(`CREATE TABLE kept_checkpoints AS SELECT * FROM audit_checkpoints`)
}

func (tp tamper) restore() {
	tp.exec(`DELETE FROM audit_events`)
	tp.exec(`DELETE FROM audit_checkpoints`)
	tp.exec(`INSERT INTO audit_events SELECT * FROM kept_events`)
	tp.exec(`INSERT INTO audit_checkpoints SELECT * FROM kept_checkpoints`)
}

// An attacker with SQL access to the metadata database, one attack at a
// time on a chain of 8 events whose head (seq 8) the Log signed at Close.
// What the database alone cannot show (docs/architecture.md: a rewrite or a
// cut tail once the checkpoints covering it are deleted) is checked to be
// caught by a head kept outside, an anchor.
func TestTamperSQL(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		keyPath := tamperChain(t, db, 8)
		key, err := audit.PublicKey(keyPath)
		if err != nil {
			t.Fatal(err)
		}
		pinned := audit.VerifyOptions{TrustedKeys: []string{key}}
		wantOK(t, mustVerify(t, db, pinned), 8)
		head := mustVerify(t, db, pinned).Head

		// The triggers refuse edits to anyone who does not drop them first.
		for _, q := range []string{`UPDATE audit_events SET detail = 'x' WHERE seq = 3`,
			`DELETE FROM audit_events WHERE seq = 3`, `DELETE FROM audit_events WHERE seq > 5`,
			`DELETE FROM audit_checkpoints`} {
			if _, err := db.SQL().Exec(q); err == nil {
				t.Fatalf("%s: allowed with the triggers in place", q)
			}
		}

		tp := newTamper(t, db)
		tp.snapshot()
		edits := []struct {
			name, sql string
			seq       int64
			reason    string
		}{
			{"detail", `UPDATE audit_events SET detail = 'nothing happened' WHERE seq = 3`, 3, "altered"},
			{"actor", `UPDATE audit_events SET actor = 'bob' WHERE seq = 3`, 3, "altered"},
			{"time", `UPDATE audit_events SET at = '2026-03-01T02:31:00.000000Z' WHERE seq = 3`, 3, "altered"},
			{"outcome", `UPDATE audit_events SET outcome = 'denied', status = 403 WHERE seq = 3`, 3, "altered"},
			{"case-ids-swapped", `UPDATE audit_events SET case_id = CASE seq WHEN 3 THEN 'c2' ELSE 'c3' END
				WHERE seq IN (3, 6)`, 3, "altered"},
			{"middle-deleted", `DELETE FROM audit_events WHERE seq = 4`, 4, "missing"},
			{"tail-cut", `DELETE FROM audit_events WHERE seq > 5`, 6, "missing"},
			{"reordered", `UPDATE audit_events SET seq = CASE seq WHEN 4 THEN -5 ELSE -4 END WHERE seq IN (4, 5);
				UPDATE audit_events SET seq = -seq WHERE seq < 0`, 4, "link"},
			{"forged-in-middle", `INSERT INTO audit_events SELECT seq + 100, at, 'mallory', role, action,
				object_type, object_id, case_id, ip, user_agent, request_id, status, outcome, detail, hash,
				prev_hash FROM audit_events WHERE seq = 4`, 9, "missing"},
		}
		for _, c := range edits {
			t.Run(c.name, func(t *testing.T) {
				tp := tamper{t, db}
				defer tp.restore()
				for _, q := range strings.Split(c.sql, ";") {
					tp.exec(q)
				}
				wantBroken(t, mustVerify(t, db, pinned), c.seq, c.reason)
			})
		}

		// A chain recomputed after an edit, or a cut tail, betrays itself by
		// the signed head at 8; with that checkpoint deleted too, only the
		// head the auditor kept does.
		recompute := func(tp tamper) {
			var evs []*dossier.Event
			if err := db.ScanEvents(ctx, 0, func(e *dossier.Event) error { evs = append(evs, e); return nil }); err != nil {
				tp.t.Fatal(err)
			}
			tp.exec(`DELETE FROM audit_events WHERE seq >= 3`)
			evs = evs[2:]
			evs[0].Detail = "nothing happened"
			prev := evs[0].PrevHash
			for _, e := range evs {
				audit.Chain(e, e.Seq-1, prev)
				prev = e.Hash
			}
			if err := db.AppendEvents(ctx, evs); err != nil {
				tp.t.Fatal(err)
			}
		}
		t.Run("recomputed", func(t *testing.T) {
			tp := tamper{t, db}
			defer tp.restore()
			recompute(tp)
			wantBroken(t, mustVerify(t, db, pinned), 8, "signed head")
			tp.exec(`DELETE FROM audit_checkpoints`)
			wantOK(t, mustVerify(t, db, pinned), 8) // documented: nothing in the database vouches
			anchored := pinned
			anchored.Anchors = map[int64]string{8: head}
			wantBroken(t, mustVerify(t, db, anchored), 8, "signed head")
		})
		t.Run("tail-cut-checkpoint-deleted", func(t *testing.T) {
			tp := tamper{t, db}
			defer tp.restore()
			tp.exec(`DELETE FROM audit_events WHERE seq > 5`)
			tp.exec(`DELETE FROM audit_checkpoints`)
			wantOK(t, mustVerify(t, db, pinned), 5) // documented
			anchored := pinned
			anchored.Anchors = map[int64]string{8: head}
			wantBroken(t, mustVerify(t, db, anchored), 6, "missing")
		})
		t.Run("checkpoint-re-signed", func(t *testing.T) {
			// A rewritten chain signed with the attacker's own key passes
			// only a verification that does not pin the deployment's key.
			tp := tamper{t, db}
			defer tp.restore()
			recompute(tp)
			tp.exec(`DELETE FROM audit_checkpoints`)
			other := MustLog(t, db, filepath.Join(t.TempDir(), "other.key"), audit.Options{})
			if _, err := other.Checkpoint(ctx); err != nil {
				t.Fatal(err)
			}
			if err := other.Close(ctx); err != nil {
				t.Fatal(err)
			}
			wantOK(t, mustVerify(t, db, audit.VerifyOptions{}), 8)
			wantBroken(t, mustVerify(t, db, pinned), 8, "untrusted key")
		})
		wantOK(t, mustVerify(t, db, pinned), 8)
	})
}

// SQLite keeps whatever type a value is given. A text column rewritten as a
// BLOB of the same bytes read back as the same string, so the hash matched
// and verify said ok; yet a BLOB never equals a text filter, and the event
// vanished from the case's (actor's, period's) trail and its CSV export.
func TestTamperSQLiteBlobColumn(t *testing.T) {
	db := testenv.OpenStore(t, filepath.Join(t.TempDir(), "meta.db"))
	ctx := context.Background()
	tamperChain(t, db, 8)
	tp := newTamper(t, db)
	tp.snapshot()
	for _, col := range []string{"case_id", "actor", "at", "action", "detail", "hash"} {
		t.Run(col, func(t *testing.T) {
			tp := tamper{t, db}
			defer tp.restore()
			tp.exec(`UPDATE audit_events SET ` + col + ` = CAST(` + col + ` AS BLOB) WHERE seq = 3`)
			if col == "case_id" {
				if evs, err := db.Events(ctx, dossier.AuditFilter{CaseID: "c1"}); err != nil || len(evs) != 7 {
					t.Fatalf("case c1: %d events, %v (the BLOB should hide one)", len(evs), err)
				}
			}
			wantBroken(t, mustVerify(t, db, audit.VerifyOptions{}), 3, "altered")
		})
	}
	wantOK(t, mustVerify(t, db, audit.VerifyOptions{}), 8)
}

// A row whose seq SQLite stores as a fraction (4.5, between 4 and 5) or a
// BLOB ('4', after every integer) is an inserted event: verify names it
// instead of failing to read the store, and the Log still opens when such
// a row is the newest (refusing to would let the row stop the service).
func TestTamperSQLiteSeqNotInteger(t *testing.T) {
	db := testenv.OpenStore(t, filepath.Join(t.TempDir(), "meta.db"))
	ctx := context.Background()
	keyPath := tamperChain(t, db, 8)
	tp := newTamper(t, db)
	tp.snapshot()
	copyRow := func(tp tamper, seq string) {
		tp.exec(`INSERT INTO audit_events SELECT ` + seq + `, at, 'mallory', role, action, object_type, object_id,
			case_id, ip, user_agent, request_id, status, outcome, detail, hash, prev_hash FROM audit_events WHERE seq = 4`)
	}
	t.Run("fraction", func(t *testing.T) {
		tp := tamper{t, db}
		defer tp.restore()
		copyRow(tp, "4.5")
		r, err := audit.VerifyWith(ctx, db, audit.VerifyOptions{})
		if err != nil {
			t.Fatalf("verify failed instead of naming the inserted row: %v", err)
		}
		wantBroken(t, r, 5, "repeats seq 4")
	})
	t.Run("blob", func(t *testing.T) {
		tp := tamper{t, db}
		defer tp.restore()
		copyRow(tp, "CAST('4' AS BLOB)")
		wantBroken(t, mustVerify(t, db, audit.VerifyOptions{}), 9, "repeats seq 4")
	})
	t.Run("newest", func(t *testing.T) {
		tp := tamper{t, db}
		defer tp.restore()
		copyRow(tp, "8.5")
		l, err := audit.Open(ctx, db, keyPath, audit.Options{})
		if err != nil {
			t.Fatalf("open after a fractional newest seq: %v", err)
		}
		if err := l.Close(ctx); err != nil {
			t.Fatal(err)
		}
		wantBroken(t, mustVerify(t, db, audit.VerifyOptions{}), 9, "repeats seq 8")
	})
	wantOK(t, mustVerify(t, db, audit.VerifyOptions{}), 8)
}
