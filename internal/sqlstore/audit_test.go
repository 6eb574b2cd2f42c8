package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

// CountEvents counts what Events would return over all pages: the same
// filters, the cursor and limit ignored.
func TestCountEvents(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		var evs []*dossier.Event
		for i := range 12 {
			e := &dossier.Event{Seq: int64(i + 1), At: base.Add(time.Duration(i) * time.Hour), Actor: "counsel",
				Action: "case.read", ObjectID: "c1", CaseID: "c1", Detail: "", Hash: "h"}
			if i%3 == 0 {
				e.Actor, e.Action, e.ObjectID, e.Detail = "auditor", "evidence.download", "e1", "range 50%_of it"
			}
			evs = append(evs, e)
		}
		if err := db.AppendEvents(ctx, evs); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			f    dossier.AuditFilter
			want int
		}{
			{"OKAll", dossier.AuditFilter{}, 12},
			{"OKCursorAndLimitIgnored", dossier.AuditFilter{AfterSeq: 10, Limit: 1}, 12},
			{"OKActor", dossier.AuditFilter{Actor: "auditor"}, 4},
			{"OKCase", dossier.AuditFilter{CaseID: "c1"}, 12},
			{"OKAction", dossier.AuditFilter{Action: "case.read"}, 8},
			{"OKActionPrefix", dossier.AuditFilter{Action: "evidence."}, 4},
			{"OKObject", dossier.AuditFilter{Object: "e1"}, 4},
			{"OKTime", dossier.AuditFilter{From: base.Add(2 * time.Hour), To: base.Add(6 * time.Hour)}, 4},
			{"OKDetailLiteralWildcards", dossier.AuditFilter{Q: "50%_OF"}, 4},
			{"OKCombined", dossier.AuditFilter{Actor: "counsel", From: base.Add(time.Hour)}, 8},
			{"OKNone", dossier.AuditFilter{Actor: "nobody"}, 0},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				n, err := db.CountEvents(ctx, tc.f)
				if err != nil || n != tc.want {
					t.Fatalf("count %d, %v; want %d", n, err, tc.want)
				}
				tc.f.AfterSeq, tc.f.Limit = 0, 0
				if got, err := db.Events(ctx, tc.f); err != nil || len(got) != n {
					t.Fatalf("events %d, %v; count %d", len(got), err, n)
				}
			})
		}
	})
}
