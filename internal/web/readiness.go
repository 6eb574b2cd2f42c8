package web

import "github.com/dossier/dossier/internal/document"

// readinessWhy is the Chinese of each reason document.Readiness and
// document.Conditions give for what a filing lacks (internal/document/
// readiness.go); the English keeps the service's own words.
var readinessWhy = map[string]string{
	"the contract the claim rests on (合同): the court checks the debt arises from it":                                            "请求所依据的合同：法院审查债权是否由此产生",
	"proof the creditor performed (送货单、验收单): a payment order requires that the creditor owes no counter-performance":            "债权人已履行义务的证明（送货单、验收单）：申请支付令要求债权人没有对待给付义务",
	"an invoice or statement of account (发票、对账单) fixing the amount due: the debt must be due and its amount certain":            "确定欠款金额的发票或对账单：债务须已到期且数额确定",
	"a demand for payment (催款函、律师函) with proof of delivery: it shows the debt was claimed and interrupts the limitation period": "催款函、律师函及送达证明：证明已主张债权，并中断诉讼时效",
	"the debtor's acknowledgment (对账确认、聊天记录、录音): shows there is no other dispute and interrupts the limitation period":          "债务人的确认（对账确认、聊天记录、录音）：证明双方没有其他债务纠纷，并中断诉讼时效",
	"the debt must be due (已届清偿期) before a payment order can be applied for":                                                    "债务须已届清偿期，方可申请支付令",
	"the amount claimed must be fixed (金额确定): record the principal":                                                             "请求的金额须确定：请录入本金",
	"the payments recorded cover the debt: nothing is left to claim":                                                            "已登记的回款已覆盖债务：没有可请求的余额",
	"the order must be servable on the debtor in China (能够送达): record the debtor's domicile":                                    "支付令须能够在我国境内向债务人送达：请录入债务人住所",
	"interest or penalties are allowed only where the contract provides for them: keep the clause with the contract":            "利息或违约金仅在合同有约定时才予支持：请随合同保存该条款",
}

// readinessIn returns r with its reasons in m's language.
func (m Msg) readinessIn(r *document.ReadinessReport) *document.ReadinessReport {
	if r == nil || m.Lang == "en" {
		return r
	}
	out := *r
	out.Missing = make([]document.Missing, len(r.Missing))
	for i, x := range r.Missing {
		if zh, ok := readinessWhy[x.Why]; ok {
			x.Why = zh
		}
		out.Missing[i] = x
	}
	return &out
}
