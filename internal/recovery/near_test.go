package recovery_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/recovery"
	"github.com/dossier/dossier/internal/sqlstore"
)

// TestNearDeadline checks both ways of serving limitation_within (one IN list
// handed to the store, or a scan of the case list for very wide windows) give
// the same pages, and that visibility and masking hold on both.
func TestNearDeadline(t *testing.T) {
	ctx := context.Background()
	cases, svc, admin := nearService(t)
	// Deadlines 0, 10, 20, … 90 days away, then one expired; stages alternate.
	var ids []string
	for i := 0; i <= 10; i++ {
		days := i * 10
		if i == 10 {
			days = -1
		}
		due := recovery.AddYears(d("2026-11-25").AddDays(days), -3)
		c, err := cases.Create(ctx, admin, &dossier.Case{Number: fmt.Sprint("N-", i), Principal: 1000,
			Creditor: dossier.Party{Name: "甲公司"}, Debtor: dossier.Party{Name: "张三", Kind: "person", Phone: "13812345678"},
			DueDate: due, Stage: []dossier.Stage{dossier.StageNegotiation, dossier.StageLawyerLetter}[i%2]})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	external := &dossier.Actor{User: &dossier.User{ID: "u2", Username: "firm", Role: dossier.RoleExternal},
		Grants: map[string]dossier.Access{ids[1]: dossier.AccessRead, ids[2]: dossier.AccessRead, ids[9]: dossier.AccessRead}}
	numbers := func(a *dossier.Actor, f casefile.Filter, within int) string {
		var all []string
		for {
			items, total, next, err := svc.NearDeadline(ctx, a, f, within)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range items {
				all = append(all, c.Number)
				if a == external && !strings.Contains(c.Debtor.Phone, "****") {
					t.Fatalf("external user sees phone %q", c.Debtor.Phone)
				}
			}
			if next == "" {
				if total != len(all) {
					t.Fatalf("total %d, listed %d", total, len(all))
				}
				return strings.Join(all, ",")
			}
			f.Cursor = next
		}
	}
	tests := []struct {
		name   string
		a      *dossier.Actor
		f      casefile.Filter
		within int
		want   string
	}{
		{"OKToday", admin, casefile.Filter{}, 0, "N-0"},
		{"OKThirty", admin, casefile.Filter{Page: dossier.Page{Limit: 2}}, 30, "N-3,N-2,N-1,N-0"},
		{"OKStage", admin, casefile.Filter{Stage: "lawyer_letter"}, 90, "N-9,N-7,N-5,N-3,N-1"},
		{"OKQuery", admin, casefile.Filter{Q: "N-8"}, 90, "N-8"},
		{"OKExternal", external, casefile.Filter{Page: dossier.Page{Limit: 1}}, 50, "N-2,N-1"},
	}
	for _, path := range []string{"in-list", "scan"} {
		t.Run(path, func(t *testing.T) {
			if path == "scan" {
				t.Cleanup(recovery.SetMaxInList(0))
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					if got := numbers(tc.a, tc.f, tc.within); got != tc.want {
						t.Fatalf("got %s, want %s", got, tc.want)
					}
				})
			}
			t.Run("ErrInvalid", func(t *testing.T) {
				for _, tc := range []struct {
					f      casefile.Filter
					within int
					field  string
				}{{casefile.Filter{}, -1, "limitation_within"}, {casefile.Filter{}, 3651, "limitation_within"},
					{casefile.Filter{Bucket: "purple"}, 5, "bucket"}, {casefile.Filter{Stage: "war"}, 5, "stage"}} {
					_, _, _, err := svc.NearDeadline(ctx, admin, tc.f, tc.within)
					if fe := dossier.ErrorFields(err); dossier.ErrorCode(err) != dossier.EINVALID || len(fe) == 0 || fe[0].Field != tc.field {
						t.Errorf("%+v within %d: %v", tc.f, tc.within, err)
					}
				}
				if _, _, _, err := svc.NearDeadline(ctx, nil, casefile.Filter{}, 5); dossier.ErrorCode(err) != dossier.EUNAUTHENTICATED {
					t.Errorf("anonymous: %v", err)
				}
			})
		})
	}
	// The window's hits crossing maxInList between two pages (cases came
	// or went) switches the path: the cursor of one goes on in the other.
	// The scan refused the case list's key cursors as invalid.
	for _, first := range []string{"in-list", "scan"} {
		t.Run("OKPathChangesAfter-"+first, func(t *testing.T) {
			restore := func() {}
			if first == "scan" {
				restore = recovery.SetMaxInList(0)
			}
			items, _, next, err := svc.NearDeadline(ctx, admin, casefile.Filter{Page: dossier.Page{Limit: 2}}, 30)
			restore()
			if first == "in-list" {
				defer recovery.SetMaxInList(0)()
			}
			if err != nil || len(items) != 2 || next == "" {
				t.Fatalf("first page: %d items, next %q, %v", len(items), next, err)
			}
			rest, _, _, err := svc.NearDeadline(ctx, admin, casefile.Filter{Page: dossier.Page{Limit: 2, Cursor: next}}, 30)
			var got []string
			for _, c := range append(items, rest...) {
				got = append(got, c.Number)
			}
			if err != nil || strings.Join(got, ",") != "N-3,N-2,N-1,N-0" {
				t.Fatalf("pages across the paths: %v, %v", got, err)
			}
		})
	}
}

// nearService is a recovery service over a fresh store on 2026-11-25,
// whose clock moves a second on at each call (so cases list newest first in
// creation order), its case service and an admin.
func nearService(t *testing.T) (*casefile.Service, *recovery.Service, *dossier.Actor) {
	t.Helper()
	db := openStore(t)
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, shanghai)
	tick := 0
	clock := func() time.Time { tick++; return now.Add(time.Duration(tick) * time.Second) }
	cases := &casefile.Service{Store: db, Now: clock}
	svc := &recovery.Service{Store: db, Cases: cases, Now: clock, Location: shanghai, GraceDays: 5}
	return cases, svc, &dossier.Actor{User: &dossier.User{ID: "u1", Username: "admin", Role: dossier.RoleAdmin}}
}

// openStore opens a fresh SQLite metadata store for the test.
func openStore(t *testing.T) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), filepath.Join(t.TempDir(), "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
