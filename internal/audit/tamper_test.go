package audit_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

// tamperChain stores n events, one an hour from 2026-03-01 01:30 UTC (hours
// below 10, so a stored time can lose its leading zero), and closes the Log.
func tamperChain(t *testing.T, db *sqlstore.DB, n int) (keyPath string) {
	t.Helper()
	keyPath = filepath.Join(t.TempDir(), "audit.key")
	l := MustLog(t, db, keyPath, audit.Options{CheckpointEvery: 100})
	start := time.Date(2026, 3, 1, 1, 30, 0, 0, time.UTC)
	for i := range n {
		e := event("alice", i)
		e.At = start.Add(time.Duration(i) * time.Hour)
		l.Record(e)
	}
	if err := l.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	return keyPath
}

// A stored value the store never writes — a column that no longer scans
// (NULL, text in an integer column) — is an altered event: Verify names its
// seq instead of failing as if the database were down, and the Log still
// opens after it (the service keeps running and auditing).
func TestUnreadableEvent(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		keyPath := tamperChain(t, db, 8)
		tp := newTamper(t, db)
		damage := func(seq int64) {
			if db.Dialect() == "sqlite" {
				tp.exec(`UPDATE audit_events SET status = 'two hundred' WHERE seq = $1`, seq)
			} else {
				tp.exec(`ALTER TABLE audit_events ALTER COLUMN detail DROP NOT NULL`)
				tp.exec(`UPDATE audit_events SET detail = NULL WHERE seq = $1`, seq)
			}
		}
		damage(5)
		r, err := audit.VerifyWith(ctx, db, audit.VerifyOptions{})
		if err != nil {
			t.Fatalf("verify failed instead of reporting the damaged event: %v", err)
		}
		wantBroken(t, r, 5, "altered")

		// The newest event damaged too: the Log must still open and chain.
		damage(8)
		l, err := audit.Open(ctx, db, keyPath, audit.Options{})
		if err != nil {
			t.Fatalf("open after a damaged newest event: %v", err)
		}
		l.Record(event("bob", 1))
		if err := l.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if r, err = audit.VerifyWith(ctx, db, audit.VerifyOptions{}); err != nil {
			t.Fatal(err)
		}
		wantBroken(t, r, 5, "altered")
	})
}

// A time rewritten in a form the store never writes but time.Parse accepts
// ("T1:30" for "T01:30") reads back as the same instant, so the hash still
// matched; yet the text sorts elsewhere, and the event dropped out of the
// from/to filters of the trail. Verify must call it altered.
func TestNonCanonicalTime(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tamperChain(t, db, 4)
		day := dossier.AuditFilter{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
			To: time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC)}
		if evs, err := db.Events(ctx, day); err != nil || len(evs) != 2 {
			t.Fatalf("before: %d events, %v", len(evs), err)
		}
		tp := newTamper(t, db)
		tp.exec(`UPDATE audit_events SET at = '2026-03-01T1:30:00.000000Z' WHERE seq = 1`)
		if evs, err := db.Events(ctx, day); err != nil || len(evs) != 1 {
			t.Fatalf("after: %d events, %v (the rewrite should hide one from the filter)", len(evs), err)
		}
		wantBroken(t, mustVerify(t, db, audit.VerifyOptions{}), 1, "altered")
	})
}

// A forged checkpoint is reported whatever seq it claims; one at seq 0
// collided with "nothing broken" and left the report ok. One that claims no
// event (seq 0 or below) is reported at the first event, as the seq answered
// is an event's.
func TestForgedCheckpointSeqZero(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		tamperChain(t, db, 3)
		for _, seq := range []int64{0, -1} {
			t.Run("", func(t *testing.T) {
				if err := db.AddCheckpoint(context.Background(), &dossier.Checkpoint{Seq: seq, Head: audit.Genesis,
					At: time.Now(), PublicKey: "AAAA", Signature: "AAAA"}); err != nil {
					t.Fatal(err)
				}
				r := mustVerify(t, db, audit.VerifyOptions{})
				wantBroken(t, r, 1, "bad signature")
			})
		}
	})
}
