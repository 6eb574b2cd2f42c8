package recovery_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/recovery"
)

// TestNearDeadlineClosed: the dashboard's near-deadline lists leave closed
// cases out, and link to the case list's limitation_within filter, which
// must then list the same cases: a closed case near its deadline is in
// neither, on both ways of serving the filter. A list asked for stage
// closed shows the closed ones, since that is what it asks for.
func TestNearDeadlineClosed(t *testing.T) {
	ctx := context.Background()
	cases, svc, admin := nearService(t)
	// Deadlines 5, 20 and 60 days away; the middle one closed.
	for i, st := range []dossier.Stage{dossier.StageNegotiation, dossier.StageClosed, dossier.StageLitigation} {
		due := recovery.AddYears(d("2026-11-25").AddDays([]int{5, 20, 60}[i]), -3)
		if _, err := cases.Create(ctx, admin, &dossier.Case{Number: fmt.Sprint("N-", i), Principal: 1000,
			Creditor: dossier.Party{Name: "甲公司"}, Debtor: dossier.Party{Name: "乙公司"}, DueDate: due, Stage: st}); err != nil {
			t.Fatal(err)
		}
	}
	dash, err := svc.Dashboard(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	var fromDash []string
	for _, n := range dash.Within90 {
		fromDash = append(fromDash, n.Number)
	}
	slices.Sort(fromDash)
	list := func(f casefile.Filter) string {
		items, total, _, err := svc.NearDeadline(ctx, admin, f, 90)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range items {
			got = append(got, c.Number)
		}
		if total != len(got) {
			t.Errorf("total %d, listed %d", total, len(got))
		}
		slices.Sort(got)
		return strings.Join(got, ",")
	}
	for _, path := range []string{"in-list", "scan"} {
		t.Run(path, func(t *testing.T) {
			if path == "scan" {
				t.Cleanup(recovery.SetMaxInList(0))
			}
			if got, want := list(casefile.Filter{}), strings.Join(fromDash, ","); got != want || want != "N-0,N-2" {
				t.Errorf("limitation_within=90 lists %s, the dashboard's limitation_within_90 %s (want N-0,N-2)", got, want)
			}
			if got := list(casefile.Filter{Stage: string(dossier.StageClosed)}); got != "N-1" {
				t.Errorf("limitation_within=90&stage=closed lists %q, want N-1", got)
			}
		})
	}
}
