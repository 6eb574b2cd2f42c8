package search

import (
	"strings"
	"testing"
	"time"
)

// Evidence written in traditional characters (a Hong Kong debtor's chat, a
// Taiwanese invoice) is found by a query in simplified characters and the
// other way round; the snippet shows the characters as written. Before,
// 货款 did not find 貨款: the index held them as different words.
func TestSearchFoldsTraditional(t *testing.T) {
	ix := indexed(t,
		Doc{EvidenceID: "t01", CaseID: "c1", Kind: "chat", Title: "WhatsApp 記錄", Text: "債務人表示下週還款，貨款先付一半。"},
		Doc{EvidenceID: "t02", CaseID: "c1", Kind: "letter", Title: "催款函", Text: "请贵司于三日内支付所欠货款。"},
		Doc{EvidenceID: "t03", CaseID: "c1", Kind: "invoice", Title: "發票", Text: "統一編號 12345678 金額 NT$ 5,000"},
		Doc{EvidenceID: "t04", CaseID: "c1", Kind: "chat", Title: "无关", Text: "明天开会讨论合同条款。"})
	for _, tc := range []struct {
		q         string
		want, not []string
	}{
		{"货款", []string{"t01", "t02"}, []string{"t04"}},
		{"貨款", []string{"t01", "t02"}, []string{"t04"}},
		{"债务人", []string{"t01"}, []string{"t02", "t04"}},
		{`"下周还款"`, []string{"t01"}, []string{"t02"}},
		{"发票", []string{"t03"}, []string{"t04"}},
		{"记录", []string{"t01"}, []string{"t04"}},
	} {
		r := expectFinds(t, ix, tc.q, tc.want, tc.not)
		if tc.q == "货款" {
			for _, h := range r.Items {
				if h.EvidenceID == "t01" && !strings.Contains(strings.Join(h.Highlights, " "), "<mark>貨款</mark>") {
					t.Errorf("snippet of the traditional text: %q, want <mark>貨款</mark> as written", h.Highlights)
				}
			}
		}
	}
}

func TestFoldTraditional(t *testing.T) {
	table, err := foldTable()
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{"貨款": "货款", "債務人": "债务人", "協議書": "协议书", "货款": "货款",
		"abc": "abc", "還款 ok": "还款 ok", "臺灣": "台湾", "𠀀貨": "𠀀货"} {
		if got := string(foldTraditional(table, []byte(in))); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkFoldTraditional measures the traditional-character fold against
// the whole text analysis it is part of, on the same mixed text (simplified,
// traditional, Latin and digits): fold_share is the fold's part of the
// analysis time.
func BenchmarkFoldTraditional(b *testing.B) {
	table, err := foldTable()
	if err != nil {
		b.Fatal(err)
	}
	ix := mustOpen(b)
	an := ix.idx.Mapping().AnalyzerNamed(TextAnalyzer)
	text := []byte(strings.Repeat("債務人表示下週還款，貨款先付一半。请贵司于三日内支付所欠货款 RMB 12,000.00 invoice no. 2026-001. ", 2000))
	toks := an.Analyze(text)
	terms := make([][]byte, len(toks))
	for i, tok := range toks {
		terms[i] = tok.Term
	}
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	var analyze, fold time.Duration
	for range b.N {
		t0 := time.Now()
		an.Analyze(text)
		t1 := time.Now()
		for _, term := range terms {
			foldTraditional(table, term)
		}
		analyze, fold = analyze+t1.Sub(t0), fold+time.Since(t1)
	}
	b.ReportMetric(float64(len(text))*float64(b.N)/analyze.Seconds()/1e6, "analyze_MB/s")
	b.ReportMetric(fold.Seconds()/analyze.Seconds(), "fold_share")
}
