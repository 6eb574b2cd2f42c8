package indexer_test

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/indexer"
	"github.com/dossier/dossier/internal/search"
	"github.com/dossier/dossier/internal/testenv"
)

// A case edit of its number or parties reaches every indexed item of the
// case: search answers the new number, finds the new debtor name and no
// longer the old one. An edit of anything else queues nothing.
func TestCaseEditReindexes(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			url := testenv.StoreURL(t, backend)
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

// A case edit only rewrites the case's fields in its items' documents: no
// blob is read and no text extracted again, so an extractor that fails now
// (OCR gone, say) costs no item its indexed text or its status, and the new
// debtor name is found. Only an item missing from the index is extracted.
func TestCaseEditKeepsText(t *testing.T) {
	tests := []struct {
		name string
		// prepare runs once the item is indexed, before the edit.
		prepare     func(ctx context.Context, t *testing.T, f *fixture, e *dossier.Evidence)
		broken      bool // the extractor fails from the edit on
		wantExtract bool
	}{
		{name: "OKExtractorBroken", broken: true},
		{name: "OKIndexedBeforeTextSHA", broken: true,
			prepare: func(ctx context.Context, t *testing.T, f *fixture, e *dossier.Evidence) {
				if _, err := f.store.SQL().ExecContext(ctx, `UPDATE evidence SET text_sha256='' WHERE id=$1`, e.ID); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "OKNotInIndex", wantExtract: true,
			prepare: func(ctx context.Context, t *testing.T, f *fixture, e *dossier.Evidence) {
				if err := f.idx.Delete(e.ID); err != nil {
					t.Fatal(err)
				}
			}},
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, tt := range tests {
			t.Run(backend+"/"+tt.name, func(t *testing.T) {
				url := testenv.StoreURL(t, backend)
				f := newFixture(t, url)
				ctx := context.Background()
				var broken atomic.Bool
				var calls atomic.Int32
				f.ix.Extract = func(ctx context.Context, mt, fn string, r io.Reader) (string, error) {
					calls.Add(1)
					if broken.Load() {
						return "", errors.New("tesseract: executable file not found")
					}
					return indexer.ExtractText(ctx, mt, fn, r)
				}
				e := f.add(t, "statement", "对账单", "statement.txt", "text/plain", []byte("对账单确认欠款金额 12000 元"), "")
				if err := f.ix.Start(ctx); err != nil {
					t.Fatal(err)
				}
				defer f.ix.Close(ctx)
				f.settle(t, e.ID)
				if tt.prepare != nil {
					tt.prepare(ctx, t, f, e)
				}
				broken.Store(tt.broken)
				before := calls.Load()

				admin := &dossier.Actor{User: &dossier.User{ID: "u1", Role: dossier.RoleAdmin}}
				cases := &casefile.Service{Store: f.store, Now: time.Now}
				debtor := dossier.Party{Name: "温州丙实业有限公司", Kind: dossier.PartyCompany}
				if _, err := cases.Update(ctx, admin, f.c.ID, &dossier.CasePatch{Debtor: &debtor}); err != nil {
					t.Fatal(err)
				}
				f.drain(t)
				if extracted := calls.Load() != before; extracted != tt.wantExtract {
					t.Errorf("the edit extracted the text again: %v, want %v", extracted, tt.wantExtract)
				}
				got, err := f.store.Evidence(ctx, e.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.TextStatus != dossier.TextIndexed || got.TextError != "" {
					t.Errorf("after the edit text_status %q (%q), want indexed", got.TextStatus, got.TextError)
				}
				for _, q := range []string{"确认欠款", "温州丙实业有限公司"} {
					res, err := f.ix.Search(ctx, admin, search.Query{Q: q})
					if err != nil || res.Total != 1 || res.Items[0].EvidenceID != e.ID {
						t.Errorf("search %q after the edit: %+v %v", q, res, err)
					}
				}
			})
		}
	}
}
