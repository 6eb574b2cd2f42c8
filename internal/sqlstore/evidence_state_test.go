package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

// Each writer of an item's state changes only its own columns, and only
// while its condition holds.
func TestEvidenceStateWriters(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCase("S-1", dossier.NewDate(2026, 1, 1))
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		n := 0
		item := func(mod func(e *dossier.Evidence)) *dossier.Evidence {
			t.Helper()
			n++
			e := &dossier.Evidence{CaseID: c.ID, Kind: "contract", Filename: "a.txt", MediaType: "text/plain",
				Size: 1, SHA256: "sha" + string(rune('a'+n)), TextStatus: dossier.TextPending, CreatedAt: now}
			if mod != nil {
				mod(e)
			}
			if err := db.CreateEvidence(ctx, e); err != nil {
				t.Fatal(err)
			}
			return e
		}
		later := now.Add(time.Hour)
		live := item(nil)
		held := item(func(e *dossier.Evidence) { e.Hold, e.HoldReason = true, "保全" })
		retained := item(func(e *dossier.Evidence) { e.RetainUntil = &later })
		gone := item(func(e *dossier.Evidence) { e.DeletedAt = &now })
		versioned := item(nil)
		if err := db.AddVersion(ctx, &dossier.EvidenceVersion{EvidenceID: versioned.ID, N: 2, SHA256: "v2",
			DurationSec: 3, AudioFormat: "wav", CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name  string
			write func() error
			code  string
		}{
			{"OKText", func() error { return db.SetEvidenceText(ctx, held.ID, 1, held.SHA256, dossier.TextIndexed, "") }, ""},
			{"ErrTextOfOldVersion", func() error {
				return db.SetEvidenceText(ctx, versioned.ID, 1, versioned.SHA256, dossier.TextIndexed, "")
			}, dossier.ECONFLICT},
			{"ErrTextOfDeleted", func() error { return db.SetEvidenceText(ctx, gone.ID, 1, gone.SHA256, dossier.TextIndexed, "") }, dossier.ECONFLICT},
			{"ErrTextNotFound", func() error { return db.SetEvidenceText(ctx, "nope", 1, "x", dossier.TextIndexed, "") }, dossier.ENOTFOUND},
			{"OKHold", func() error { return db.HoldEvidence(ctx, live.ID, true, "诉讼保全") }, ""},
			{"ErrHoldOfDeleted", func() error { return db.HoldEvidence(ctx, gone.ID, true, "x") }, dossier.ECONFLICT},
			{"ErrHoldNotFound", func() error { return db.HoldEvidence(ctx, "nope", true, "x") }, dossier.ENOTFOUND},
			{"ErrTombstoneHeld", func() error { return db.TombstoneEvidence(ctx, held.ID, now) }, dossier.ECONFLICT},
			{"ErrTombstoneRetained", func() error { return db.TombstoneEvidence(ctx, retained.ID, now) }, dossier.ECONFLICT},
			{"ErrTombstoneTwice", func() error { return db.TombstoneEvidence(ctx, gone.ID, now) }, dossier.ECONFLICT},
			{"ErrTombstoneNotFound", func() error { return db.TombstoneEvidence(ctx, "nope", now) }, dossier.ENOTFOUND},
			{"OKTombstoneAfterRetention", func() error { return db.TombstoneEvidence(ctx, retained.ID, later) }, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if err := tt.write(); dossier.ErrorCode(err) != tt.code && (err != nil || tt.code != "") {
					t.Fatalf("%v, want code %q", err, tt.code)
				}
			})
		}
		get := func(id string) *dossier.Evidence {
			e, err := db.Evidence(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		// Text did not touch the hold; the hold did not touch the text.
		if e := get(held.ID); !e.Hold || e.HoldReason != "保全" || e.TextStatus != dossier.TextIndexed || e.TextSHA256 != held.SHA256 {
			t.Errorf("held item %+v", e)
		}
		if e := get(live.ID); !e.Hold || e.HoldReason != "诉讼保全" || e.TextStatus != dossier.TextPending || e.DeletedAt != nil {
			t.Errorf("live item after hold %+v", e)
		}
		if e := get(versioned.ID); e.Version != 2 || e.TextStatus != dossier.TextPending || e.DurationSec != 3 || e.AudioFormat != "wav" {
			t.Errorf("new version %+v", e)
		}
		if e := get(retained.ID); e.DeletedAt == nil || !e.DeletedAt.Equal(later.Truncate(time.Microsecond)) {
			t.Errorf("retained item after its retention: deleted_at %v", e.DeletedAt)
		}
		// A version of an item deleted during the upload is refused, saying
		// so, and leaves neither a version row nor a new current version.
		err := db.AddVersion(ctx, &dossier.EvidenceVersion{EvidenceID: gone.ID, N: 2, SHA256: "g2", CreatedAt: now})
		if dossier.ErrorCode(err) != dossier.ECONFLICT || !strings.Contains(dossier.ErrorMessage(err), "deleted") {
			t.Errorf("version of a deleted item: %v, want a conflict naming the deletion", err)
		}
		if vs, err := db.Versions(ctx, gone.ID); err != nil || len(vs) != 1 || get(gone.ID).SHA256 != gone.SHA256 {
			t.Errorf("deleted item after a refused version: %d versions (%v), sha256 %s", len(vs), err, get(gone.ID).SHA256)
		}
		err = db.AddVersion(ctx, &dossier.EvidenceVersion{EvidenceID: versioned.ID, N: 2, SHA256: "v2b", CreatedAt: now})
		if dossier.ErrorCode(err) != dossier.ECONFLICT || strings.Contains(dossier.ErrorMessage(err), "deleted") {
			t.Errorf("a second version 2: %v, want a conflict", err)
		}
	})
}

// A page of items leaves transcripts out (each may be 4 MiB); the item
// itself still has it.
func TestListEvidenceWithoutTranscript(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCase("T-1", dossier.NewDate(2026, 1, 1))
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		e := &dossier.Evidence{CaseID: c.ID, Kind: "recording", Filename: "call.mp3", MediaType: "audio/mpeg",
			Size: 1, SHA256: "s", Transcript: "债务人表示同意分期还款", Description: "电话录音",
			TextStatus: dossier.TextPending, CreatedAt: time.Now()}
		if err := db.CreateEvidence(ctx, e); err != nil {
			t.Fatal(err)
		}
		items, total, _, err := db.ListEvidence(ctx, dossier.EvidenceFilter{CaseID: c.ID})
		if err != nil || total != 1 || len(items) != 1 {
			t.Fatalf("list: %v %d %v", items, total, err)
		}
		if items[0].Transcript != "" || items[0].Description != e.Description {
			t.Errorf("list item transcript %q description %q", items[0].Transcript, items[0].Description)
		}
		if got, err := db.Evidence(ctx, e.ID); err != nil || got.Transcript != e.Transcript {
			t.Errorf("item transcript %q, %v", got.Transcript, err)
		}
	})
}
