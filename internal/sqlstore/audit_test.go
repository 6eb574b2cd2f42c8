package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
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
		// Actions a prefix "evidence." must not catch: a prefix is exact and
		// case-sensitive, on both dialects.
		for i, action := range []string{"evidence/upload", "Evidence.read", "evidence"} {
			evs = append(evs, &dossier.Event{Seq: int64(13 + i), At: base.Add(100 * time.Hour), Actor: "other",
				Action: action, ObjectID: "o2", CaseID: "c2", Hash: "h"})
		}
		if err := db.AppendEvents(ctx, evs); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			f    dossier.AuditFilter
			want int
		}{
			{"OKAll", dossier.AuditFilter{}, 15},
			{"OKCursorAndLimitIgnored", dossier.AuditFilter{AfterSeq: 10, Limit: 1}, 15},
			{"OKActor", dossier.AuditFilter{Actor: "auditor"}, 4},
			{"OKCase", dossier.AuditFilter{CaseID: "c1"}, 12},
			{"OKAction", dossier.AuditFilter{Action: "case.read"}, 8},
			{"OKActionPrefix", dossier.AuditFilter{Action: "evidence."}, 4},
			{"OKActionPrefixNone", dossier.AuditFilter{Action: "evidence.download."}, 0},
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

// TestCountEventsPlans: a count by actor, case, action, action prefix or
// time reads an index alone, never the table, so a page's total over a long
// trail costs in proportion to the matches.
func TestCountEventsPlans(t *testing.T) {
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name, index string
		f           dossier.AuditFilter
	}{
		{"OKActor", "audit_events_actor", dossier.AuditFilter{Actor: "counsel"}},
		{"OKCase", "audit_events_case", dossier.AuditFilter{CaseID: "c1"}},
		{"OKAction", "audit_events_action", dossier.AuditFilter{Action: "case.read"}},
		{"OKActionPrefix", "audit_events_action", dossier.AuditFilter{Action: "evidence."}},
		{"OKTime", "audit_events_at", dossier.AuditFilter{From: from, To: from.AddDate(0, 0, 1)}},
	}
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		conn, err := db.SQL().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		explain := "EXPLAIN QUERY PLAN "
		if db.Dialect() == "postgres" {
			// An empty table is cheapest to scan; forbid that, so the plan
			// shows whether an index can answer alone. VACUUM marks the
			// pages all-visible, as autovacuum does for a live trail.
			for _, q := range []string{"VACUUM audit_events", "SET enable_seqscan = off", "SET enable_bitmapscan = off"} {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			explain = "EXPLAIN "
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				q, args := sqlstore.CountEventsQuery(tc.f)
				rows, err := conn.QueryContext(ctx, explain+q, args...)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				cols, _ := rows.Columns()
				var plan []string
				for rows.Next() {
					vals := make([]any, len(cols))
					for i := range vals {
						vals[i] = new(any)
					}
					if err := rows.Scan(vals...); err != nil {
						t.Fatal(err)
					}
					plan = append(plan, fmt.Sprint(*vals[len(vals)-1].(*any)))
				}
				text := strings.Join(plan, "\n")
				want := "SEARCH audit_events USING COVERING INDEX " + tc.index // SQLite
				if db.Dialect() == "postgres" {
					want = "Index Only Scan using " + tc.index
				}
				if !strings.Contains(text, want) {
					t.Fatalf("%s\nplan:\n%s\nwant %q", q, text, want)
				}
			})
		}
	})
}
