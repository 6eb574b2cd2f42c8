package indexer_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/search"
	"github.com/dossier/dossier/internal/testenv"
)

// A case edit of its number or parties reaches every indexed item of the
// case: search answers the new number, finds the new debtor name and no
// longer the old one. An edit of anything else queues nothing.
func TestCaseEditReindexes(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			url := filepath.Join(t.TempDir(), "meta.db")
			if backend == "postgres" {
				url = testenv.Postgres(t)
			}
			f := newFixture(t, url)
			ctx := context.Background()
			ids := []string{
				f.add(t, "statement", "对账单", "statement.txt", "text/plain", []byte("对账单确认欠款金额 12000 元"), "").ID,
				f.add(t, "contract", "买卖合同", "contract.txt", "text/plain", []byte("买卖合同 货款"), "").ID,
			}
			admin := &dossier.Actor{User: &dossier.User{ID: "u1", Role: dossier.RoleAdmin}}
			cases := &casefile.Service{Store: f.store, Now: time.Now}
			// Before the workers start, the job table is empty: a title
			// edit must leave it so.
			title := "另一个标题"
			if _, err := cases.Update(ctx, admin, f.c.ID, &dossier.CasePatch{Title: &title}); err != nil {
				t.Fatal(err)
			}
			if jobs, err := f.store.ClaimIndexJobs(ctx, time.Now().Add(time.Hour), time.Millisecond, 10); err != nil || len(jobs) != 0 {
				t.Fatalf("a title edit queued %d index jobs (%v)", len(jobs), err)
			}
			if err := f.ix.Start(ctx); err != nil {
				t.Fatal(err)
			}
			defer f.ix.Close(ctx)
			f.settle(t, ids...)
			count := func(q string) (uint64, []string) {
				res, err := f.ix.Search(ctx, admin, search.Query{Q: q})
				if err != nil {
					t.Fatal(err)
				}
				var nums []string
				for _, h := range res.Items {
					nums = append(nums, h.CaseNumber)
				}
				return res.Total, nums
			}

			num, debtor := "2026-HZ-0099", dossier.Party{Name: "温州丙实业有限公司", Kind: dossier.PartyCompany}
			if _, err := cases.Update(ctx, admin, f.c.ID, &dossier.CasePatch{Number: &num, Debtor: &debtor}); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(60 * time.Second)
			for {
				n, nums := count("温州丙实业有限公司")
				if n == 2 && nums[0] == num && nums[1] == num {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after the edit the new debtor finds %d items with numbers %v", n, nums)
				}
				time.Sleep(20 * time.Millisecond)
			}
			if n, nums := count("对账单"); n != 1 || nums[0] != num {
				t.Errorf("search answers %v, want %s", nums, num)
			}
			if n, _ := count(`"宁波乙贸易有限公司"`); n != 0 {
				t.Errorf("the old debtor name still finds %d items", n)
			}
		})
	}
}
