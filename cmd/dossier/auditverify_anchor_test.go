package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
)

// Someone with write access to the database can rewrite the chain from an
// event on, recompute every hash and remove the checkpoints signed since:
// the chain left in the database is then consistent, and only a head kept
// outside it shows the rewrite. docs/architecture.md tells operators to hand
// such a head to an auditor; `dossier audit verify --anchor SEQ:HASH` is how
// a verification is made against it.
func TestAuditVerifyCommandAnchor(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	db, err := sqlstore.Open(ctx, filepath.Join(data, "dossier.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l, err := audit.Open(ctx, db, auditKeyPath(&Config{DataDir: data}), audit.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		l.Record(dossier.Event{Actor: "alice", Role: "counsel", Action: "evidence.read", Status: 200,
			Outcome: dossier.OutcomeOK, Detail: fmt.Sprintf("read %d", i)})
	}
	cp, err := l.Checkpoint(ctx) // the statement handed to the auditor
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	anchor := fmt.Sprintf("%d:%s", cp.Seq, cp.Head)

	if code, out := runIn(data, nil, "", "audit", "verify", "--anchor", anchor); code != 0 {
		t.Fatalf("intact chain against its own head: exit %d %s", code, out)
	}

	// The rewrite: triggers off, event 5 changed, 5…10 re-hashed, the
	// checkpoints that covered them removed.
	for _, tr := range []string{"audit_events_no_update", "audit_events_no_delete", "audit_checkpoints_no_delete"} {
		if _, err := db.SQL().Exec(`DROP TRIGGER ` + tr); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := db.Events(ctx, dossier.AuditFilter{AfterSeq: 4})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`DELETE FROM audit_events WHERE seq >= 5`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`DELETE FROM audit_checkpoints`); err != nil {
		t.Fatal(err)
	}
	evs[0].Detail = "nothing happened"
	prev := evs[0].PrevHash
	for _, e := range evs {
		audit.Chain(e, e.Seq-1, prev)
		prev = e.Hash
	}
	if err := db.AppendEvents(ctx, evs); err != nil {
		t.Fatal(err)
	}

	// Without the anchor the database alone cannot tell.
	if code, out := runIn(data, nil, "", "audit", "verify"); code != 0 {
		t.Fatalf("rewritten chain without anchor: exit %d %s", code, out)
	}
	code, out := runIn(data, nil, "", "audit", "verify", "--anchor", anchor)
	if code != 1 || !strings.Contains(out, "BROKEN at event 10") {
		t.Fatalf("rewritten chain against the kept head: exit %d %s", code, out)
	}

	// The tail cut off as well: the kept head names the missing events.
	if _, err := db.SQL().Exec(`DELETE FROM audit_events WHERE seq >= 8`); err != nil {
		t.Fatal(err)
	}
	code, out = runIn(data, nil, "", "audit", "verify", "--anchor", anchor)
	if code != 1 || !strings.Contains(out, "BROKEN at event 8") {
		t.Fatalf("truncated chain against the kept head: exit %d %s", code, out)
	}

	for _, bad := range []string{"10", "x:abc", "10:" + strings.Repeat("z", 64), "0:" + cp.Head} {
		if code, out := runIn(data, nil, "", "audit", "verify", "--anchor", bad); code != 2 {
			t.Errorf("--anchor %q: exit %d %s, want 2", bad, code, out)
		}
	}
}
