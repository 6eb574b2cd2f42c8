package audit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

func MustLog(tb testing.TB, store dossier.AuditStore, keyPath string, opts audit.Options) *audit.Log {
	tb.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	l, err := audit.Open(context.Background(), store, keyPath, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

func event(actor string, i int) dossier.Event {
	return dossier.Event{Actor: actor, Role: "counsel", Action: "evidence.read", ObjectType: "evidence",
		ObjectID: fmt.Sprintf("ev-%d", i), CaseID: "c1", IP: "10.0.0.1", Status: 200, Outcome: dossier.OutcomeOK,
		Detail: fmt.Sprintf("read %s #%d", actor, i)}
}

// recordConcurrently records writers×per events from writers goroutines.
func recordConcurrently(l *audit.Log, prefix string, writers, per int) {
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range per {
				l.Record(event(fmt.Sprintf("%s%02d", prefix, w), i))
			}
		})
	}
	wg.Wait()
}

func mustVerify(t *testing.T, db dossier.AuditStore, o audit.VerifyOptions) audit.Report {
	t.Helper()
	r, err := audit.VerifyWith(context.Background(), db, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func wantOK(t *testing.T, r audit.Report, events int64) {
	t.Helper()
	if !r.OK || r.Events != events || r.HeadSeq != events {
		t.Fatalf("verify: %+v, want ok with %d events", r, events)
	}
}

func wantBroken(t *testing.T, r audit.Report, seq int64, reason string) {
	t.Helper()
	if r.OK || r.FirstBroken != seq || !strings.Contains(r.Reason, reason) {
		t.Fatalf("verify: %+v, want broken at %d (%s)", r, seq, reason)
	}
}

// tamper runs SQL as the superuser the tests connect as, after switching off
// the append-only triggers the way an attacker with database access would.
type tamper struct {
	t  *testing.T
	db *sqlstore.DB
}

func newTamper(t *testing.T, db *sqlstore.DB) tamper {
	tp := tamper{t, db}
	if db.Dialect() == "sqlite" {
		for _, tr := range []string{"audit_events_no_update", "audit_events_no_delete",
			"audit_checkpoints_no_update", "audit_checkpoints_no_delete"} {
			tp.exec(`DROP TRIGGER ` + tr)
		}
	} else {
		tp.exec(`ALTER TABLE audit_events DISABLE TRIGGER USER`)
		tp.exec(`ALTER TABLE audit_checkpoints DISABLE TRIGGER USER`)
	}
	return tp
}

func (tp tamper) exec(q string, args ...any) {
	tp.t.Helper()
	if _, err := tp.db.SQL().Exec(q, args...); err != nil {
		tp.t.Fatalf("%s: %v", q, err)
	}
}

func (tp tamper) detail(seq int64) string {
	tp.t.Helper()
	var d string
	if err := tp.db.SQL().QueryRow(`SELECT detail FROM audit_events WHERE seq = $1`, seq).Scan(&d); err != nil {
		tp.t.Fatal(err)
	}
	return d
}

func (tp tamper) swap(a, b int64) {
	tp.exec(`UPDATE audit_events SET seq = -1 WHERE seq = $1`, a)
	tp.exec(`UPDATE audit_events SET seq = $1 WHERE seq = $2`, a, b)
	tp.exec(`UPDATE audit_events SET seq = $1 WHERE seq = -1`, b)
}

func TestLog(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		keyPath := filepath.Join(t.TempDir(), "audit.key")
		l := MustLog(t, db, keyPath, audit.Options{CheckpointEvery: 100, BatchSize: 64})
		const writers, per = 16, 125 // 2000 events
		recordConcurrently(l, "user", writers, per)
		if err := l.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		t.Run("OK/flushed", func(t *testing.T) {
			// Flush promises durability of everything recorded before it.
			for w := range writers {
				evs, err := db.Events(ctx, dossier.AuditFilter{Actor: fmt.Sprintf("user%02d", w)})
				if err != nil {
					t.Fatal(err)
				}
				if len(evs) != per {
					t.Fatalf("writer %d: %d events stored, want %d", w, len(evs), per)
				}
				// One goroutine's events keep their order in the chain.
				for i, e := range evs {
					if want := fmt.Sprintf("read user%02d #%d", w, i); e.Detail != want {
						t.Fatalf("writer %d event %d: %q, want %q", w, i, e.Detail, want)
					}
				}
			}
			if seq, head := l.Head(); seq != writers*per || head == "" {
				t.Fatalf("head %d %q", seq, head)
			}
		})
		t.Run("OK/verify", func(t *testing.T) {
			r := mustVerify(t, db, audit.VerifyOptions{TrustedKeys: []string{l.PublicKey()}})
			wantOK(t, r, writers*per)
			if _, head := l.Head(); r.Head != head || r.Checkpoints != 20 {
				t.Fatalf("report %+v, log head %s", r, head)
			}
		})
		t.Run("OK/checkpoint-now", func(t *testing.T) {
			l.Record(event("late", 0))
			cp, err := l.Checkpoint(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if cp.Seq != writers*per+1 || audit.VerifyCheckpoint(cp) != nil {
				t.Fatalf("checkpoint %+v", cp)
			}
		})
		if err := l.Close(ctx); err != nil {
			t.Fatal(err)
		}
		const total = writers*per + 1

		t.Run("OK/restart", func(t *testing.T) {
			l2 := MustLog(t, db, keyPath, audit.Options{CheckpointEvery: 100})
			if l2.PublicKey() != l.PublicKey() {
				t.Fatal("key not reloaded")
			}
			for i := range 10 {
				l2.Record(event("again", i))
			}
			if err := l2.Close(ctx); err != nil {
				t.Fatal(err)
			}
			evs, err := db.Events(ctx, dossier.AuditFilter{Actor: "again"})
			if err != nil || len(evs) != 10 {
				t.Fatalf("%d events, %v", len(evs), err)
			}
			if evs[0].Seq != total+1 {
				t.Fatalf("resumed at seq %d, want %d", evs[0].Seq, total+1)
			}
			r := mustVerify(t, db, audit.VerifyOptions{TrustedKeys: []string{l.PublicKey()}})
			wantOK(t, r, total+10)
			// The final head was signed at Close.
			cps, _ := db.Checkpoints(ctx, 0, 1)
			if cps[0].Seq != total+10 || cps[0].Head != r.Head {
				t.Fatalf("last checkpoint %+v, head %s", cps[0], r.Head)
			}
		})
		const n = total + 10

		t.Run("ErrAppendOnly", func(t *testing.T) {
			// Without tampering rights the database itself refuses edits.
			if _, err := db.SQL().Exec(`UPDATE audit_events SET detail = 'x' WHERE seq = 1`); err == nil {
				t.Fatal("update allowed")
			}
			if _, err := db.SQL().Exec(`DELETE FROM audit_events WHERE seq = 1`); err == nil {
				t.Fatal("delete allowed")
			}
		})

		tp := newTamper(t, db)
		t.Run("ErrAltered", func(t *testing.T) {
			orig := tp.detail(500)
			tp.exec(`UPDATE audit_events SET detail = 'nothing happened' WHERE seq = 500`)
			wantBroken(t, mustVerify(t, db, audit.VerifyOptions{}), 500, "altered")
			tp.exec(`UPDATE audit_events SET detail = $1 WHERE seq = 500`, orig)
			wantOK(t, mustVerify(t, db, audit.VerifyOptions{}), n)
		})
		t.Run("ErrDeleted", func(t *testing.T) {
			tp.exec(`CREATE TABLE saved AS SELECT * FROM audit_events WHERE seq = 700`)
			tp.exec(`DELETE FROM audit_events WHERE seq = 700`)
			wantBroken(t, mustVerify(t, db, audit.VerifyOptions{}), 700, "missing")
			tp.exec(`INSERT INTO audit_events SELECT * FROM saved`)
			tp.exec(`DROP TABLE saved`)
			wantOK(t, mustVerify(t, db, audit.VerifyOptions{}), n)
		})
		t.Run("ErrDeletedAndRelinked", func(t *testing.T) {
			// Deleting 700 and renumbering the rest closes the seq gap; the
			// prev_hash link still names the deletion at the event after it.
			tp.exec(`CREATE TABLE saved AS SELECT * FROM audit_events WHERE seq >= 700`)
			tp.exec(`DELETE FROM audit_events WHERE seq >= 700`)
			tp.exec(`INSERT INTO audit_events SELECT seq - 1, at, actor, role, action, object_type, object_id,
				case_id, ip, user_agent, request_id, status, outcome, detail, hash, prev_hash FROM saved WHERE seq > 700`)
			wantBroken(t, mustVerify(t, db, audit.VerifyOptions{}), 700, "does not link")
			tp.exec(`DELETE FROM audit_events WHERE seq >= 700`)
			tp.exec(`INSERT INTO audit_events SELECT * FROM saved`)
			tp.exec(`DROP TABLE saved`)
			wantOK(t, mustVerify(t, db, audit.VerifyOptions{}), n)
		})
		t.Run("ErrReordered", func(t *testing.T) {
			tp.swap(300, 301)
			wantBroken(t, mustVerify(t, db, audit.VerifyOptions{}), 300, "")
			tp.swap(300, 301)
			tp.swap(900, 1200)
			wantBroken(t, mustVerify(t, db, audit.VerifyOptions{}), 900, "")
			tp.swap(900, 1200)
			wantOK(t, mustVerify(t, db, audit.VerifyOptions{}), n)
		})
		t.Run("ErrTailDeleted", func(t *testing.T) {
			// Without the signed final head, cutting the tail would leave a
			// perfectly linked, shorter chain.
			tp.exec(`CREATE TABLE saved AS SELECT * FROM audit_events WHERE seq > $1`, n-5)
			tp.exec(`DELETE FROM audit_events WHERE seq > $1`, n-5)
			wantBroken(t, mustVerify(t, db, audit.VerifyOptions{}), n-4, "missing")
			tp.exec(`INSERT INTO audit_events SELECT * FROM saved`)
			tp.exec(`DROP TABLE saved`)
			wantOK(t, mustVerify(t, db, audit.VerifyOptions{}), n)
		})
		t.Run("ErrRewrittenChain", func(t *testing.T) {
			// Alter event 450 and recompute every hash after it: the chain is
			// self-consistent again, but the signed head at 500 is not.
			tp.exec(`CREATE TABLE saved AS SELECT * FROM audit_events WHERE seq >= 450`)
			var evs []*dossier.Event
			if err := db.ScanEvents(ctx, 449, func(e *dossier.Event) error { evs = append(evs, e); return nil }); err != nil {
				t.Fatal(err)
			}
			tp.exec(`DELETE FROM audit_events WHERE seq >= 450`)
			evs[0].Detail = "nothing happened"
			prev := evs[0].PrevHash
			for _, e := range evs {
				audit.Chain(e, e.Seq-1, prev)
				prev = e.Hash
			}
			if err := db.AppendEvents(ctx, evs); err != nil {
				t.Fatal(err)
			}
			wantBroken(t, mustVerify(t, db, audit.VerifyOptions{}), 500, "signed head")
			// A head handed to an auditor earlier catches it sooner.
			var anchor string
			if err := db.SQL().QueryRow(`SELECT hash FROM saved WHERE seq = 460`).Scan(&anchor); err != nil {
				t.Fatal(err)
			}
			r := mustVerify(t, db, audit.VerifyOptions{Anchors: map[int64]string{460: anchor}})
			wantBroken(t, r, 460, "signed head")
			tp.exec(`DELETE FROM audit_events WHERE seq >= 450`)
			tp.exec(`INSERT INTO audit_events SELECT * FROM saved`)
			tp.exec(`DROP TABLE saved`)
			wantOK(t, mustVerify(t, db, audit.VerifyOptions{}), n)
		})
		t.Run("ErrForgedCheckpoint", func(t *testing.T) {
			var sig string
			if err := db.SQL().QueryRow(`SELECT signature FROM audit_checkpoints WHERE seq = 1500`).Scan(&sig); err != nil {
				t.Fatal(err)
			}
			forged := "A" + sig[1:]
			if forged == sig {
				forged = "B" + sig[1:]
			}
			tp.exec(`UPDATE audit_checkpoints SET signature = $1 WHERE seq = 1500`, forged)
			wantBroken(t, mustVerify(t, db, audit.VerifyOptions{}), 1500, "bad signature")
			tp.exec(`UPDATE audit_checkpoints SET signature = $1 WHERE seq = 1500`, sig)
			wantOK(t, mustVerify(t, db, audit.VerifyOptions{}), n)
		})
		t.Run("ErrMovedCheckpoint", func(t *testing.T) {
			// A genuine signature copied to another seq does not verify there.
			tp.exec(`INSERT INTO audit_checkpoints (seq, head, at, public_key, signature)
				SELECT 1234, head, at, public_key, signature FROM audit_checkpoints WHERE seq = 1300`)
			wantBroken(t, mustVerify(t, db, audit.VerifyOptions{}), 1234, "bad signature")
			tp.exec(`DELETE FROM audit_checkpoints WHERE seq = 1234`)
			wantOK(t, mustVerify(t, db, audit.VerifyOptions{}), n)
		})
		t.Run("ErrUntrustedKey", func(t *testing.T) {
			// Someone with another key appends and signs: the signature is
			// valid, so only pinning the deployment's key exposes it.
			other := MustLog(t, db, filepath.Join(t.TempDir(), "other.key"), audit.Options{})
			other.Record(event("intruder", 1))
			if err := other.Close(ctx); err != nil {
				t.Fatal(err)
			}
			r := mustVerify(t, db, audit.VerifyOptions{})
			wantOK(t, r, n+1)
			if len(r.Keys) != 2 {
				t.Fatalf("keys %v, want both", r.Keys)
			}
			r = mustVerify(t, db, audit.VerifyOptions{TrustedKeys: []string{l.PublicKey()}})
			wantBroken(t, r, n+1, "untrusted key")
		})
	})
}

// failingStore is the real store with faults the database cannot produce on
// demand: appendFails makes the next AppendEvents calls fail.
type failingStore struct {
	dossier.AuditStore
	appendErr func() error
}

func (s failingStore) AppendEvents(ctx context.Context, evs []*dossier.Event) error {
	if s.appendErr != nil {
		if err := s.appendErr(); err != nil {
			return err
		}
	}
	return s.AuditStore.AppendEvents(ctx, evs)
}

func TestLogStoreErrors(t *testing.T) {
	ctx := context.Background()
	db := testenv.OpenStore(t, filepath.Join(t.TempDir(), "meta.db"))
	t.Run("OK/retried", func(t *testing.T) {
		var mu sync.Mutex
		fails := 3
		st := failingStore{AuditStore: db, appendErr: func() error {
			mu.Lock()
			defer mu.Unlock()
			if fails > 0 {
				fails--
				return errors.New("connection reset")
			}
			return nil
		}}
		l := MustLog(t, st, filepath.Join(t.TempDir(), "k"), audit.Options{MaxBackoff: 20 * time.Millisecond})
		for i := range 50 {
			l.Record(event("retry", i))
		}
		if err := l.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if s := l.Stats(); s.Written != 50 || s.Retries < 3 {
			t.Fatalf("stats %+v", s)
		}
		wantOK(t, mustVerify(t, db, audit.VerifyOptions{}), 50)
	})
	t.Run("ErrGaveUp", func(t *testing.T) {
		var logs bytes.Buffer
		var mu sync.Mutex
		st := failingStore{AuditStore: db, appendErr: func() error { return errors.New("database is down") }}
		l, err := audit.Open(ctx, st, filepath.Join(t.TempDir(), "k"), audit.Options{MaxBackoff: 10 * time.Millisecond,
			Logger: slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, nil))})
		if err != nil {
			t.Fatal(err)
		}
		l.Record(event("lost", 1))
		fctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		if err := l.Flush(fctx); err == nil || !strings.Contains(err.Error(), "database is down") {
			t.Fatalf("flush: %v", err)
		}
		cctx, cancel2 := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel2()
		if err := l.Close(cctx); err == nil {
			t.Fatal("close reported success")
		}
		l.Record(event("after", 2))
		mu.Lock()
		defer mu.Unlock()
		// Nothing is silent: the unstored events are in the log in full.
		for _, want := range []string{"event not stored", "read lost #1", "recorded after Close", "read after #2"} {
			if !strings.Contains(logs.String(), want) {
				t.Fatalf("log lacks %q:\n%s", want, logs.String())
			}
		}
	})
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

func TestLogTwoWriters(t *testing.T) {
	// A server and a `dossier user` command share one chain: ECONFLICT makes
	// a writer re-read the head and re-chain, so both end up in one chain.
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		key := filepath.Join(t.TempDir(), "audit.key")
		a := MustLog(t, db, key, audit.Options{BatchSize: 20, MaxBackoff: 20 * time.Millisecond})
		b := MustLog(t, db, key, audit.Options{BatchSize: 20, MaxBackoff: 20 * time.Millisecond})
		var wg sync.WaitGroup
		wg.Go(func() { recordConcurrently(a, "a", 4, 100) })
		wg.Go(func() { recordConcurrently(b, "b", 4, 100) })
		wg.Wait()
		if err := a.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if err := b.Close(ctx); err != nil {
			t.Fatal(err)
		}
		wantOK(t, mustVerify(t, db, audit.VerifyOptions{}), 800)
		t.Logf("retries: a %d, b %d", a.Stats().Retries, b.Stats().Retries)
	})
}

func TestLogSanitizes(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		l := MustLog(t, db, filepath.Join(t.TempDir(), "k"), audit.Options{})
		e := event("x", 1)
		e.UserAgent = "evil\x00agent\xff"
		l.Record(e)
		if err := l.Close(ctx); err != nil {
			t.Fatal(err)
		}
		wantOK(t, mustVerify(t, db, audit.VerifyOptions{}), 1)
	})
}

// An auditor's page and export include every event recorded before the
// request, even one still waiting for its batch to fill.
func TestTrailReadsWhatWasRecorded(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		l := MustLog(t, db, filepath.Join(t.TempDir(), "k"), audit.Options{Linger: time.Hour})
		defer l.Close(ctx)
		tr := &audit.Trail{Store: db, Log: l}
		auditor := &dossier.Actor{User: &dossier.User{ID: "a1", Username: "aud", Role: dossier.RoleAuditor}}
		l.Record(event("first", 1))
		p, err := tr.List(ctx, auditor, dossier.AuditFilter{Actor: "first"})
		if err != nil || len(p.Items) != 1 {
			t.Fatalf("list right after the event: %+v, %v", p, err)
		}
		l.Record(event("second", 2))
		var csv bytes.Buffer
		if err := tr.Export(ctx, auditor, dossier.AuditFilter{Actor: "second"}, &csv); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(csv.String(), "read second #2") {
			t.Fatalf("export right after the event lacks it:\n%s", csv.String())
		}
	})
}
