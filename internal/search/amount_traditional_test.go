package search

import (
	"testing"
)

// An amount in capital numerals written in traditional characters (a Hong
// Kong or Taiwanese contract: 人民幣叁拾捌萬陸仟伍佰圓整, 兩萬元) is found by
// the same amount typed in digits or in simplified characters, as its
// simplified spelling is; 圓 ended no amount and 兩 was no digit, so such a
// text got no amount token.
func TestSearchAmountTraditional(t *testing.T) {
	ix := indexed(t,
		Doc{EvidenceID: "a01", CaseID: "c1", Kind: "contract", Title: "買賣合同", Text: "貨款總額為人民幣叁拾捌萬陸仟伍佰圓整。"},
		Doc{EvidenceID: "a02", CaseID: "c1", Kind: "chat", Title: "記錄", Text: "先還兩萬元，餘款下月付清。"},
		Doc{EvidenceID: "a03", CaseID: "c1", Kind: "chat", Title: "无关", Text: "明天开会，金额 100 元。"})
	for _, tc := range []struct {
		q         string
		want, not []string
	}{
		{"386500", []string{"a01"}, []string{"a02", "a03"}},
		{"叁拾捌万陆仟伍佰元", []string{"a01"}, []string{"a02", "a03"}},
		{"20000", []string{"a02"}, []string{"a01", "a03"}},
		{"两万元", []string{"a02"}, []string{"a01", "a03"}},
		{"貳萬圓", []string{"a02"}, []string{"a01", "a03"}},
	} {
		expectFinds(t, ix, tc.q, tc.want, tc.not)
	}
}
