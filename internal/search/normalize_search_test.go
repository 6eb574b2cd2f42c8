package search

import (
	"testing"
)

// normDocs and normQueries check issue 9's normalisation the way the main
// fixture set checks search: each query finds what it must and not what it
// must not.
var normDocs = []Doc{
	{EvidenceID: "n01", CaseID: "c9", Kind: "statement", Title: "对账单", Text: "截至三月底，贵司尚欠货款人民币壹万贰仟元整。"},
	{EvidenceID: "n02", CaseID: "c9", Kind: "email", Title: "Balance", Text: "The outstanding balance is RMB 12,000.00 as agreed."},
	{EvidenceID: "n03", CaseID: "c9", Kind: "chat", Title: "微信", Text: "下周先转¥12000，其余月底付。"},
	{EvidenceID: "n04", CaseID: "c9", Kind: "invoice", Title: "发票", Text: "价税合计 120000 元"},
	{EvidenceID: "n05", CaseID: "c9", Kind: "contract", Title: "保证合同", Text: "保证人张三，身份证号 330102199001011234，承担连带责任。"},
	{EvidenceID: "n06", CaseID: "c9", Kind: "contract", Title: "借条", Text: "借款人李四 身份证号码：330102199001011235"},
	{EvidenceID: "n07", CaseID: "c9", Kind: "contract", Title: "营业执照", Text: "统一社会信用代码 91330100MA2KXXXX1Q 宁波乙贸易有限公司"},
	{EvidenceID: "n08", CaseID: "c8", Kind: "chat", Title: "催款记录", Text: "乙贸易的财务说本周内回复。",
		Parties: []string{"杭州甲科技有限公司", "宁波乙贸易有限公司", "乙贸易"}},
	{EvidenceID: "n09", CaseID: "c7", Kind: "chat", Title: "无关记录", Text: "丙公司的财务说本周内回复。",
		Parties: []string{"杭州甲科技有限公司", "丙公司"}},
}

var normQueries = []struct {
	name, q   string
	want, not []string
}{
	{"CapitalNumerals", "壹万贰仟元", []string{"n01", "n02", "n03"}, []string{"n04"}},
	{"CapitalNumeralsFull", "人民币壹万贰仟元整", []string{"n01", "n02", "n03"}, []string{"n04"}},
	{"Digits", "12000", []string{"n01", "n02", "n03"}, []string{"n04"}},
	{"Separators", "12,000.00", []string{"n01", "n02", "n03"}, []string{"n04"}},
	{"Yen", "¥12,000", []string{"n01", "n02", "n03"}, []string{"n04"}},
	{"OtherAmount", "120000", []string{"n04"}, []string{"n01", "n02", "n03"}},
	{"AmountAndWord", "12000 货款", []string{"n01"}, []string{"n02", "n03"}},
	{"IDNumberExact", "330102199001011234", []string{"n05"}, []string{"n06"}},
	{"IDNumberPart", "3301021990", nil, []string{"n05", "n06"}},
	{"CreditCode", "91330100MA2KXXXX1Q", []string{"n07"}, nil},
	{"CreditCodeLower", "91330100ma2kxxxx1q", []string{"n07"}, nil},
	{"FullNameFindsAlias", `"宁波乙贸易有限公司"`, []string{"n08", "n07"}, []string{"n09"}},
	{"AliasFindsFullName", "乙贸易", []string{"n07", "n08"}, []string{"n09"}},
}

func TestSearchNormalisation(t *testing.T) {
	ix := indexed(t, normDocs...)
	for _, tc := range normQueries {
		t.Run(tc.name, func(t *testing.T) {
			expectFinds(t, ix, tc.q, tc.want, tc.not)
		})
	}
}
