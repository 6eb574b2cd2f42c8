package indexer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/indexer"
	"github.com/dossier/dossier/internal/search"
)

// countingExtract is indexer.ExtractText counting its calls per file name.
type countingExtract struct {
	mu    sync.Mutex
	calls map[string]int
}

func (c *countingExtract) extract(ctx context.Context, mediaType, filename string, r io.Reader) (string, error) {
	c.mu.Lock()
	c.calls[filename]++
	c.mu.Unlock()
	return indexer.ExtractText(ctx, mediaType, filename, r)
}

// take returns the calls so far and starts counting afresh.
func (c *countingExtract) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.calls
	c.calls = map[string]int{}
	return out
}

// rebuild runs a Reindex into a new index in dir, with the text of prev;
// the caller closes the index.
func (f *fixture) rebuild(t *testing.T, dir string, prev *search.Previous) (*search.Index, indexer.Progress) {
	t.Helper()
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	f.ix.Index = ix
	var p indexer.Progress
	if err := f.ix.Reindex(context.Background(), prev, func(q indexer.Progress) { p = q }); err != nil {
		t.Fatal(err)
	}
	return ix, p
}

// addVersion makes data the item's current bytes, as an upload of a new
// version does.
func (f *fixture) addVersion(t *testing.T, e *dossier.Evidence, filename string, data []byte) {
	t.Helper()
	ctx := context.Background()
	ref, err := f.blobs.Put(ctx, bytes.NewReader(data), "")
	if err != nil {
		t.Fatal(err)
	}
	err = f.store.AddVersion(ctx, &dossier.EvidenceVersion{EvidenceID: e.ID, N: e.Version + 1, Filename: filename,
		MediaType: "text/plain; charset=utf-8", Size: ref.Size, SHA256: ref.SHA256, CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
}

// A rebuild after an upgrade (a new schema) takes each item's text from the
// index it replaces instead of extracting it again, when that index holds
// the text of the item's current bytes: no blob is read and no OCR redone.
// An item with a new version since, one whose extraction failed and one
// with no text of its own (a recording, indexed by its transcript) are
// extracted, and the rebuilt index answers every query as one built by
// extracting everything does.
func TestReindexReusesText(t *testing.T) {
	f := newFixture(t, filepath.Join(t.TempDir(), "meta.db"))
	ctx := context.Background()
	counter := &countingExtract{calls: map[string]int{}}
	f.ix.Extract = counter.extract
	f.add(t, "contract", "買賣合同", "contract.txt", "text/plain; charset=utf-8",
		[]byte("甲方與乙方簽訂買賣合同，乙方拖欠貨款人民幣１２，０００元，合同編號ＨＴ－２０２６－００４２。"), "")
	f.add(t, "email", "催款邮件", "mail.eml", "message/rfc822", []byte(email), "")
	f.add(t, "recording", "电话录音", "call.mp3", "audio/mpeg", []byte("ID3\x03\x00 not really audio"), "债务人表示同意分期还款")
	f.add(t, "contract", "损坏的合同", "broken.docx",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document", []byte("PK\x03\x04 broken zip"), "")
	changed := f.add(t, "statement", "对账单", "statement.txt", "text/plain; charset=utf-8",
		[]byte("对账单：截至一月尚欠 oldversionword 货款八万元"), "")

	oldDir := filepath.Join(t.TempDir(), "index")
	old, p := f.rebuild(t, oldDir, nil)
	if p.Done != 5 || p.Reused != 0 {
		t.Fatalf("first build: %+v", p)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	counter.take()
	changed, _ = f.store.Evidence(ctx, changed.ID)
	f.addVersion(t, changed, "statement-v2.txt", []byte("对账单：截至二月尚欠 newversionword 货款六万元"))

	prev, err := search.OpenPrevious(oldDir)
	if err != nil {
		t.Fatal(err)
	}
	defer prev.Close()
	reused, p := f.rebuild(t, filepath.Join(t.TempDir(), "reused"), prev)
	defer reused.Close()
	calls := counter.take()
	want := map[string]int{"statement-v2.txt": 1, "call.mp3": 1, "broken.docx": 1}
	if !maps.Equal(calls, want) {
		t.Errorf("rebuild with the previous index extracted %v, want %v", calls, want)
	}
	if p != (indexer.Progress{Done: 5, Reused: 2, Failed: 0}) {
		t.Errorf("progress %+v, want 5 done, 2 reused", p)
	}
	if e, _ := f.store.Evidence(ctx, changed.ID); e.TextStatus != dossier.TextIndexed || e.TextSHA256 != e.SHA256 {
		t.Errorf("new version: text_status %s of %s, want indexed of %s", e.TextStatus, e.TextSHA256, e.SHA256)
	}

	extracted, _ := f.rebuild(t, filepath.Join(t.TempDir(), "extracted"), nil)
	defer extracted.Close()
	if calls := counter.take(); len(calls) != 5 {
		t.Fatalf("rebuild without the previous index extracted %v", calls)
	}
	auditor := &dossier.Actor{User: &dossier.User{Role: dossier.RoleAuditor}}
	find := func(ix *search.Index, q string) string {
		f.ix.Index = ix
		res, err := f.ix.Search(ctx, auditor, search.Query{Q: q})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		b, _ := json.Marshal(res)
		return string(b)
	}
	for q, hits := range map[string]int{"货款": 2, "貨款": 2, "拖欠货款": 1, "人民币": 1, `"12,000"`: 1,
		"HT-2026-0042": 2, "promised to pay": 1, "张三": 1, `"同意分期还款"`: 1, "损坏的合同": 1,
		"newversionword": 1, "oldversionword": 0} {
		got, want := find(reused, q), find(extracted, q)
		if got != want {
			t.Errorf("%q: after reuse\n%s\nafter extraction\n%s", q, got, want)
		}
		if n := strings.Count(want, `"evidence_id"`); n != hits {
			t.Errorf("%q: %d hits, want %d: %s", q, n, hits, want)
		}
	}
}

// Text is taken only for the bytes it came from: an old document that says
// other bytes, or no bytes (an index of schema 4), or one whose item's text
// is not "indexed" for its current bytes, is not reused but extracted, and
// the words it held are not found.
func TestReindexOtherTextNotReused(t *testing.T) {
	f := newFixture(t, filepath.Join(t.TempDir(), "meta.db"))
	ctx := context.Background()
	counter := &countingExtract{calls: map[string]int{}}
	f.ix.Extract = counter.extract
	other := f.add(t, "chat", "聊天记录", "other.txt", "text/plain; charset=utf-8", []byte("聊天记录 realwordone"), "")
	none := f.add(t, "chat", "聊天记录", "none.txt", "text/plain; charset=utf-8", []byte("聊天记录 realwordtwo"), "")
	failed := f.add(t, "chat", "聊天记录", "failed.txt", "text/plain; charset=utf-8", []byte("聊天记录 realwordthree"), "")
	for _, e := range []*dossier.Evidence{other, none} {
		if err := f.store.SetEvidenceText(ctx, e.ID, 1, e.SHA256, dossier.TextIndexed, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.store.SetEvidenceText(ctx, failed.ID, 1, failed.SHA256, dossier.TextFailed, "unreadable"); err != nil {
		t.Fatal(err)
	}

	oldDir := filepath.Join(t.TempDir(), "index")
	old, err := search.Open(oldDir)
	if err != nil {
		t.Fatal(err)
	}
	err = old.Index(
		search.Doc{EvidenceID: other.ID, CaseID: f.c.ID, Text: "phantomwordone", TextSHA256: strings.Repeat("0", 64)},
		search.Doc{EvidenceID: none.ID, CaseID: f.c.ID, Text: "phantomwordtwo"},
		search.Doc{EvidenceID: failed.ID, CaseID: f.c.ID, Text: "phantomwordthree", TextSHA256: failed.SHA256})
	if err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	prev, err := search.OpenPrevious(oldDir)
	if err != nil {
		t.Fatal(err)
	}
	defer prev.Close()
	rebuilt, p := f.rebuild(t, filepath.Join(t.TempDir(), "new"), prev)
	defer rebuilt.Close()
	if calls := counter.take(); !maps.Equal(calls, map[string]int{"other.txt": 1, "none.txt": 1, "failed.txt": 1}) {
		t.Errorf("extracted %v, want each item once", calls)
	}
	if p.Reused != 0 {
		t.Errorf("progress %+v, want none reused", p)
	}
	auditor := &dossier.Actor{User: &dossier.User{Role: dossier.RoleAuditor}}
	for q, want := range map[string]uint64{"phantomwordone": 0, "phantomwordtwo": 0, "phantomwordthree": 0,
		"realwordone": 1, "realwordtwo": 1, "realwordthree": 1} {
		res, err := f.ix.Search(ctx, auditor, search.Query{Q: q})
		if err != nil || res.Total != want {
			t.Errorf("%q: %d hits (%v), want %d", q, res.Total, err, want)
		}
	}
}
