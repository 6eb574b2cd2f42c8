package audit_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

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

// csvEvent reads an exported row back into the event it was hashed from: a
// cell starting with an apostrophe had one added by the export.
func csvEvent(t *testing.T, row []string) *dossier.Event {
	t.Helper()
	v := func(i int) string {
		if strings.HasPrefix(row[i], "'") {
			return row[i][1:]
		}
		return row[i]
	}
	seq, err1 := strconv.ParseInt(row[0], 10, 64)
	at, err2 := time.Parse(audit.TimeLayout, row[1])
	status, err3 := strconv.Atoi(row[9])
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatalf("row %q: %v", row, err)
	}
	return &dossier.Event{Seq: seq, At: at, Actor: v(2), Role: v(3), Action: v(4), ObjectType: v(5),
		ObjectID: v(6), CaseID: v(7), IP: v(8), Status: status, Outcome: v(10), Detail: v(11), Hash: v(12),
		PrevHash: v(13), UserAgent: v(14), RequestID: v(15)}
}

// recheckCSV does what an auditor does with an export alone: every row
// recomputes to its hash and links to the row before. It returns the head.
func recheckCSV(t *testing.T, data []byte) (int64, string, error) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	prev, seq := audit.Genesis, int64(0)
	for _, row := range rows[1:] {
		e := csvEvent(t, row)
		if audit.Hash(e) != e.Hash {
			return 0, "", fmt.Errorf("row %d does not match its hash", e.Seq)
		}
		if e.PrevHash != prev || e.Seq != seq+1 {
			return 0, "", fmt.Errorf("row %d does not link", e.Seq)
		}
		prev, seq = e.Hash, e.Seq
	}
	return seq, prev, nil
}

// The CSV export holds every hashed field, so an auditor can recheck it
// from the file alone, and a signed checkpoint (GET /audit/checkpoints)
// tells whether the file was edited and re-hashed after the fact. Cells
// are escaped against spreadsheet formulas; a detail that starts with an
// apostrophe exported like one that starts with a formula character, so
// rows holding either did not recompute to their hashes.
func TestTamperCSVExport(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		l := MustLog(t, db, filepath.Join(t.TempDir(), "audit.key"), audit.Options{})
		for i, d := range []string{"-1 day", "'-1 day", "=SUM(A1)", "''x", "@home", "plain", "'"} {
			e := event("alice", i)
			e.Detail = d
			l.Record(e)
		}
		cp, err := l.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close(ctx)
		admin := &dossier.Actor{User: &dossier.User{ID: "u1", Username: "admin", Role: dossier.RoleAdmin}}
		var out bytes.Buffer
		if err := (&audit.Trail{Store: db, Log: l}).Export(ctx, admin, dossier.AuditFilter{}, &out); err != nil {
			t.Fatal(err)
		}
		seq, head, err := recheckCSV(t, out.Bytes())
		if err != nil {
			t.Fatalf("an untouched export does not recheck: %v\n%s", err, out.String())
		}
		if seq != cp.Seq || head != cp.Head || audit.VerifyCheckpoint(cp) != nil {
			t.Fatalf("export ends at %d %s, checkpoint %+v", seq, head, cp)
		}

		// Edited after the fact: the row no longer matches its hash; edited
		// and re-hashed from there on, the file is consistent again but its
		// head is not the signed one.
		edited := bytes.Replace(out.Bytes(), []byte("plain"), []byte("other"), 1)
		if _, _, err := recheckCSV(t, edited); err == nil || !strings.Contains(err.Error(), "row 6 does not match") {
			t.Fatalf("edited export: %v", err)
		}
		rows, _ := csv.NewReader(bytes.NewReader(edited)).ReadAll()
		prev := audit.Genesis
		for _, row := range rows[1:] {
			e := csvEvent(t, row)
			audit.Chain(e, e.Seq-1, prev)
			row[12], row[13], prev = e.Hash, e.PrevHash, e.Hash
		}
		var rehashed bytes.Buffer
		w := csv.NewWriter(&rehashed)
		if err := w.WriteAll(rows); err != nil {
			t.Fatal(err)
		}
		if _, h, err := recheckCSV(t, rehashed.Bytes()); err != nil || h == cp.Head {
			t.Fatalf("re-hashed export: %v, head equals the signed one: %v", err, h == cp.Head)
		}
	})
}
