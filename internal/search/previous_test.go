package search

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// reuseDocs are fixtureDocs with the sha256 of their bytes, plus text that
// indexing transforms: full-width digits (folded before analysis and in the
// stored text), traditional characters and amounts (norm tokens).
func reuseDocs() []Doc {
	docs := append([]Doc{}, fixtureDocs...)
	for i := range docs {
		docs[i].TextSHA256 = "sha-" + docs[i].EvidenceID
	}
	return append(docs,
		Doc{EvidenceID: "w1", CaseID: "c9", CaseNumber: "(2026)港0001民初１号", Kind: "invoice", Title: "發票 ＮＯ．０４４１",
			Text:       "貴司尚欠貨款人民幣１２，０００元整，身份证号 ３３０１０２１９８００１０１１２３４，合同ＨＴ－２０２６－０９９９。",
			TextSHA256: "sha-w1", OccurredAt: day("2026-02-02")},
		// Its extraction failed: only the transcript is indexed, no sha256.
		Doc{EvidenceID: "w2", CaseID: "c9", Kind: "recording", Title: "录音",
			Text: "债务人承认欠款１５０００元", OccurredAt: day("2026-02-03")})
}

func buildAt(t *testing.T, dir string, docs []Doc) {
	t.Helper()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Index(docs...); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
}

// A rebuild takes an item's text from the index it replaces only for the
// bytes that text came from, and the index built from that text answers
// every query exactly as one built from the extracted text: the stored text
// is digit-folded, and folding it again changes nothing.
func TestPreviousText(t *testing.T) {
	docs := reuseDocs()
	dir := filepath.Join(t.TempDir(), "old")
	buildAt(t, dir, docs)
	prev, err := OpenPrevious(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer prev.Close()

	t.Run("OK", func(t *testing.T) {
		for _, d := range docs[len(docs)-2:] {
			text, ok := prev.Text(d.EvidenceID, "sha-w1")
			if want := d.EvidenceID == "w1"; ok != want {
				t.Fatalf("%s: reused %v, want %v", d.EvidenceID, ok, want)
			}
			if ok && text != foldDigits(d.Text) {
				t.Fatalf("%s: stored text %q, want %q", d.EvidenceID, text, foldDigits(d.Text))
			}
		}
	})
	t.Run("ErrOtherSHA", func(t *testing.T) {
		if text, ok := prev.Text("e01", "sha-e02"); ok {
			t.Fatalf("text of other bytes reused: %q", text)
		}
	})
	t.Run("ErrNoSHA", func(t *testing.T) {
		for _, sha := range []string{"", "sha-w2"} {
			if text, ok := prev.Text("w2", sha); ok {
				t.Fatalf("text without a sha256 reused for %q: %q", sha, text)
			}
		}
	})
	t.Run("ErrNoDocument", func(t *testing.T) {
		if _, ok := prev.Text("e99", "sha-e99"); ok {
			t.Fatal("text of an item the index does not hold")
		}
	})

	t.Run("OKSameResults", func(t *testing.T) {
		extracted := mustOpen(t)
		if err := extracted.Index(docs...); err != nil {
			t.Fatal(err)
		}
		reused := mustOpen(t)
		n := 0
		for _, d := range docs {
			if text, ok := prev.Text(d.EvidenceID, d.TextSHA256); ok {
				d.Text = text
				n++
			}
			if err := reused.Index(d); err != nil {
				t.Fatal(err)
			}
		}
		if n != len(docs)-1 {
			t.Fatalf("%d texts reused, want %d", n, len(docs)-1)
		}
		for _, q := range []string{"货款", "貨款", "拖欠货款", `"12,000"`, "12000", "15000", "330102198001011234",
			"HT-2026-0999", "发票", "promised to pay", "分期还款", "0441", "人民币"} {
			for _, sort := range []string{"score", "date"} {
				want := mustSearch(t, extracted, Query{Q: q, Sort: sort}, nil)
				got := mustSearch(t, reused, Query{Q: q, Sort: sort}, nil)
				if want.Total == 0 && q != "0441" {
					t.Errorf("%q finds nothing: the comparison proves little", q)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%q (%s): reused text gives\n%+v\nextracted text gives\n%+v", q, sort, got, want)
				}
			}
		}
	})
}

// An index of an older schema is read (only stored fields are), and opening
// it as the previous index leaves its files as they were, the document count
// of its last close included: a rebuild that fails keeps it usable.
func TestPreviousOlderSchemaUntouched(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "old")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Index(reuseDocs()...); err != nil {
		t.Fatal(err)
	}
	if err := ix.idx.SetInternal([]byte(schemaKey), []byte("4")); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	before := listFiles(t, dir)
	prev, err := OpenPrevious(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := prev.Text("w1", "sha-w1"); !ok {
		t.Error("text of an index of schema 4 with text_sha256 not reused")
	}
	if err := prev.Close(); err != nil {
		t.Fatal(err)
	}
	if after := listFiles(t, dir); !reflect.DeepEqual(after, before) {
		t.Fatalf("files changed:\n%v\n%v", before, after)
	}
	if _, err := Open(dir); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open of schema 4 after OpenPrevious: %v, want ErrCorrupt", err)
	}
}

func listFiles(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		out[p] = fi.Size()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// No text is taken from a missing or damaged index, nor from one that lost
// documents since its last close: the rebuild extracts everything instead.
func TestPreviousCorrupt(t *testing.T) {
	tests := []struct {
		name   string
		damage func(dir string)
	}{
		{"ErrMissing", func(dir string) { _ = os.RemoveAll(dir) }},
		{"ErrNotAnIndex", func(dir string) {
			_ = os.RemoveAll(dir)
			_ = os.MkdirAll(dir, 0o750)
			_ = os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{not json"), 0o640)
		}},
		{"ErrDocumentsLost", func(dir string) {
			_ = os.WriteFile(filepath.Join(dir, countFile), []byte("999\n"), 0o644)
		}},
		{"ErrStoreMissing", func(dir string) { _ = os.RemoveAll(filepath.Join(dir, "store")) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "old")
			buildAt(t, dir, reuseDocs())
			tc.damage(dir)
			prev, err := OpenPrevious(dir)
			if !errors.Is(err, ErrCorrupt) {
				prev.Close()
				t.Fatalf("OpenPrevious: %v, want ErrCorrupt", err)
			}
			if _, ok := prev.Text("w1", "sha-w1"); ok {
				t.Fatal("text from no index")
			}
		})
	}
}

// A refresh with a case's new fields keeps the sha256 of the text it keeps,
// so a later rebuild still reuses it.
func TestRefreshKeepsTextSHA(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "old")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	d := reuseDocs()[0]
	if err := ix.Index(d); err != nil {
		t.Fatal(err)
	}
	d.Text, d.TextSHA256, d.CaseNumber = "", "", "(2026)沪0101民初9999号"
	if ok, err := ix.Refresh(d); !ok || err != nil {
		t.Fatalf("Refresh: %v %v", ok, err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	prev, err := OpenPrevious(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer prev.Close()
	if text, ok := prev.Text(d.EvidenceID, "sha-"+d.EvidenceID); !ok || text != fixtureDocs[0].Text {
		t.Fatalf("after a refresh: %q %v", text, ok)
	}
}
