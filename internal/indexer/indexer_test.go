package indexer_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/indexer"
	"github.com/dossier/dossier/internal/search"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

type fixture struct {
	store *sqlstore.DB
	blobs *disk.Store
	idx   *search.Index
	ix    *indexer.Indexer
	c     *dossier.Case
}

func newFixture(t *testing.T, url string) *fixture {
	t.Helper()
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	blobs, err := disk.New(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	idx, err := search.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	c := &dossier.Case{Number: "2026-HZ-0042", Creditor: dossier.Party{Name: "杭州甲科技有限公司"},
		Debtor: dossier.Party{Name: "宁波乙贸易有限公司", Aliases: []string{"乙贸易"}}, Principal: 100,
		DueDate: dossier.NewDate(2026, 1, 31), CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	ix := &indexer.Indexer{Store: store, Blobs: blobs, Index: idx, Extract: indexer.ExtractText,
		RetryBase: 10 * time.Millisecond, MaxAttempts: 2}
	return &fixture{store: store, blobs: blobs, idx: idx, ix: ix, c: c}
}

// add stores bytes and a pending evidence record, as the vault does.
func (f *fixture) add(t *testing.T, kind, title, filename, mediaType string, data []byte, transcript string) *dossier.Evidence {
	t.Helper()
	ref, err := f.blobs.Put(context.Background(), bytes.NewReader(data), "")
	if err != nil {
		t.Fatal(err)
	}
	e := &dossier.Evidence{CaseID: f.c.ID, Kind: dossier.EvidenceKind(kind), Title: title, Filename: filename,
		MediaType: mediaType, Size: ref.Size, SHA256: ref.SHA256, Transcript: transcript,
		TextStatus: dossier.TextPending, CreatedAt: time.Now()}
	if err := f.store.CreateEvidence(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	return e
}

// settle waits until no item is pending (the workers are asynchronous).
func (f *fixture) settle(t *testing.T, ids ...string) map[string]*dossier.Evidence {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		out := map[string]*dossier.Evidence{}
		pending := 0
		for _, id := range ids {
			e, err := f.store.Evidence(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			out[id] = e
			if e.TextStatus == dossier.TextPending {
				pending++
			}
		}
		if pending == 0 {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d items still pending", pending)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

const email = "From: =?GB2312?B?1cXI/Q==?= <zhangsan@example.cn>\r\nTo: legal@example.com\r\n" +
	"Subject: =?UTF-8?B?5YiG5pyf6L+Y5qy+5pa55qGI?=\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" +
	"We promised to pay the outstanding invoice HT-2026-0042 by the end of March.\r\n"

func TestPipeline(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			url := testenv.StoreURL(t, backend)
			f := newFixture(t, url)
			ctx := context.Background()
			txt := f.add(t, "contract", "买卖合同", "contract.txt", "text/plain; charset=utf-8",
				[]byte("甲方与乙方签订买卖合同，乙方拖欠货款人民币叁拾捌万陆仟伍佰元整。"), "")
			eml := f.add(t, "email", "催款邮件", "mail.eml", "message/rfc822", []byte(email), "")
			rec := f.add(t, "recording", "电话录音", "call.mp3", "audio/mpeg", []byte("ID3\x03\x00 not really audio"), "债务人表示同意分期还款")
			bad := f.add(t, "contract", "损坏的合同", "broken.docx",
				"application/vnd.openxmlformats-officedocument.wordprocessingml.document", []byte("PK\x03\x04 broken zip"), "")

			// Items pending before start are picked up at start (a crash
			// between commit and enqueue loses nothing).
			if err := f.ix.Start(ctx); err != nil {
				t.Fatal(err)
			}
			defer f.ix.Close(ctx)
			got := f.settle(t, txt.ID, eml.ID, rec.ID, bad.ID)
			for id, want := range map[string]string{txt.ID: "indexed", eml.ID: "indexed", rec.ID: "indexed", bad.ID: "failed"} {
				if got[id].TextStatus != want {
					t.Errorf("%s: text_status %s (%s), want %s", got[id].Title, got[id].TextStatus, got[id].TextError, want)
				}
			}
			if got[bad.ID].TextError == "" {
				t.Error("failed item has no reason")
			}
			counsel := &dossier.Actor{User: &dossier.User{Role: dossier.RoleCounsel}}
			for q, want := range map[string]string{
				"拖欠货款": txt.ID, `"同意分期还款"`: rec.ID, "promised to pay": eml.ID, "张三": eml.ID, "乙贸易": "",
				"损坏的合同": bad.ID,
			} {
				res, err := f.ix.Search(ctx, counsel, search.Query{Q: q})
				if err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				if want == "" {
					if res.Total == 0 {
						t.Errorf("%s: party alias finds nothing", q)
					}
					continue
				}
				if res.Total != 1 || res.Items[0].EvidenceID != want {
					t.Errorf("%s: got %+v", q, res.Items)
				}
			}
			outsider := &dossier.Actor{User: &dossier.User{Role: dossier.RoleExternal}, Grants: map[string]dossier.Access{}}
			res, err := f.ix.Search(ctx, outsider, search.Query{Q: "拖欠货款"})
			if err != nil || res.Total != 0 {
				t.Fatalf("an outside firm without a grant found %v (%v)", res, err)
			}
			if _, err := f.ix.Search(ctx, outsider, search.Query{CaseID: f.c.ID}); dossier.ErrorCode(err) != dossier.ENOTFOUND {
				t.Fatalf("case filter on an invisible case: %v", err)
			}

			// A tombstoned item leaves the index when its job runs.
			now := time.Now()
			e := got[txt.ID]
			e.DeletedAt = &now
			if err := f.store.TombstoneEvidence(ctx, e.ID, now); err != nil {
				t.Fatal(err)
			}
			f.ix.Notify(ctx, e)
			deadline := time.Now().Add(30 * time.Second)
			for {
				res, _ := f.ix.Search(ctx, counsel, search.Query{Q: "拖欠货款"})
				if res.Total == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("deleted evidence still found")
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

func TestReindexRebuilds(t *testing.T) {
	f := newFixture(t, filepath.Join(t.TempDir(), "meta.db"))
	ctx := context.Background()
	e := f.add(t, "statement", "对账单", "statement.txt", "text/plain", []byte("对账单确认欠款金额 12000 元"), "")
	fresh, err := search.Open(filepath.Join(t.TempDir(), "fresh"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	f.ix.Index = fresh
	n := 0
	if err := f.ix.Reindex(ctx, nil, func(p indexer.Progress) { n = p.Done }); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("progress reported %d items", n)
	}
	res, err := f.ix.Search(ctx, &dossier.Actor{User: &dossier.User{Role: dossier.RoleAuditor}}, search.Query{Q: "对账单"})
	if err != nil || res.Total != 1 || res.Items[0].EvidenceID != e.ID {
		t.Fatalf("after reindex: %+v %v", res, err)
	}
	got, _ := f.store.Evidence(ctx, e.ID)
	if got.TextStatus != dossier.TextIndexed {
		t.Fatalf("status after reindex: %s", got.TextStatus)
	}
	if !strings.Contains(res.Items[0].Highlights[0], "<mark>") {
		t.Fatalf("no highlight: %v", res.Items[0].Highlights)
	}
}
