package recovery_test

import (
	"context"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/recovery"
)

// TestServiceProofFromStore checks that the store loads the description of
// every kind of evidence that can prove a letter was served: it loads only
// some kinds' descriptions (they are long and the dashboard reads every
// case), and a kind left out there would turn a proven demand into an
// unproven one. Each kind is cited by its own letter demand, described as
// served; the limitation read through the store must match the one computed
// from the full records.
func TestServiceProofFromStore(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	now := time.Date(2026, 2, 1, 10, 0, 0, 0, shanghai)
	clock := func() time.Time { return now }
	cases := &casefile.Service{Store: db, Now: clock}
	svc := &recovery.Service{Store: db, Cases: cases, Now: clock, Location: shanghai, GraceDays: 5, DemandDays: 7}
	admin := &dossier.Actor{User: &dossier.User{ID: "u1", Username: "admin", Role: dossier.RoleAdmin}}
	c, err := cases.Create(ctx, admin, &dossier.Case{Number: "S-1", Principal: 1000, Creditor: dossier.Party{Name: "甲公司"},
		Debtor: dossier.Party{Name: "乙公司"}, DueDate: d("2024-01-10"), Stage: dossier.StageLawyerLetter})
	if err != nil {
		t.Fatal(err)
	}
	r := &dossier.CaseRecords{Case: c}
	for i, k := range dossier.EvidenceKinds {
		on := at("2025-06-01").AddDate(0, 0, i)
		e := &dossier.Evidence{CaseID: c.ID, Kind: k, Title: "回执", Description: "律师函已由债务人签收",
			Filename: string(k) + ".pdf", MediaType: "application/pdf", Size: 1, SHA256: "sha-" + string(k),
			TextStatus: dossier.TextNone, OccurredAt: &on, CreatedAt: now}
		if err := db.CreateEvidence(ctx, e); err != nil {
			t.Fatal(err)
		}
		m := &dossier.Communication{CaseID: c.ID, OccurredAt: on, Channel: "letter", Summary: "催告",
			Interruption: "demand", EvidenceIDs: []string{e.ID}, Flags: []string{}}
		if err := db.AddCommunication(ctx, m); err != nil {
			t.Fatal(err)
		}
		r.Evidence, r.Communications = append(r.Evidence, e), append(r.Communications, m)
	}
	proven := func(l *recovery.Limitation) map[string]bool {
		out := map[string]bool{}
		for _, b := range l.Basis {
			if b.CommunicationID != "" {
				out[b.CommunicationID] = b.Proven
			}
		}
		return out
	}
	want := proven(recovery.ComputeLimitation(r, dossier.DateOf(now), shanghai))
	l, err := svc.Limitation(ctx, admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := proven(l)
	n := 0
	for i, m := range r.Communications {
		if got[m.ID] != want[m.ID] {
			t.Errorf("kind %s: proven %v through the store, %v from the full record", dossier.EvidenceKinds[i], got[m.ID], want[m.ID])
		}
		if want[m.ID] {
			n++
		}
	}
	if n == 0 || n == len(r.Communications) {
		t.Fatalf("%d of %d kinds prove service: the test shows nothing", n, len(r.Communications))
	}
}
