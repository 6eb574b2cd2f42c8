package audit_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

// countingStore is the real store, counting the CountEvents calls.
type countingStore struct {
	dossier.AuditStore
	counts *int
}

func (s countingStore) CountEvents(ctx context.Context, f dossier.AuditFilter) (int, error) {
	*s.counts++
	return s.AuditStore.CountEvents(ctx, f)
}

// TestTrailTotal: every page's total is the number of matching events. The
// unfiltered one is the head's seq, so it counts no rows; a filtered one is
// counted.
func TestTrailTotal(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		l := MustLog(t, db, filepath.Join(t.TempDir(), "k"), audit.Options{})
		defer l.Close(ctx)
		recordConcurrently(l, "user", 3, 7) // 21 events, actors user00..user02
		counts := 0
		tr := &audit.Trail{Store: countingStore{db, &counts}, Log: l}
		auditor := &dossier.Actor{User: &dossier.User{ID: "a1", Username: "aud", Role: dossier.RoleAuditor}}
		tests := []struct {
			name   string
			f      dossier.AuditFilter
			total  int
			counts int // CountEvents calls over all pages
		}{
			{"OKUnfiltered", dossier.AuditFilter{Limit: 5}, 21, 0},
			{"OKActor", dossier.AuditFilter{Actor: "user01", Limit: 5}, 7, 2},
			{"OKOnePage", dossier.AuditFilter{Actor: "user01", Limit: 7}, 7, 0},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				counts = 0
				f, seen := tc.f, 0
				for {
					p, err := tr.List(ctx, auditor, f)
					if err != nil {
						t.Fatal(err)
					}
					if p.Total != tc.total {
						t.Fatalf("after %d events: total %d, want %d", seen, p.Total, tc.total)
					}
					seen += len(p.Items)
					if p.Next == "" {
						break
					}
					if f.AfterSeq, err = audit.ParseCursor(p.Next); err != nil {
						t.Fatal(err)
					}
				}
				if seen != tc.total || counts != tc.counts {
					t.Fatalf("%d events listed, %d counts; want %d and %d", seen, counts, tc.total, tc.counts)
				}
			})
		}
	})
}
