package search

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Vocabulary of the synthetic corpus: the phrases debt-recovery evidence is
// made of, so query selectivity resembles real data (common terms such as 货款
// hit a large share of documents, contract numbers a handful).
var (
	genZh = []string{
		"甲方应于合同签订之日起三十日内支付全部货款", "乙方已按约定交付货物并经甲方验收合格",
		"截至本函发出之日，贵司仍拖欠货款人民币", "双方经协商一致同意分期还款", "逾期付款的按日万分之五支付违约金",
		"本所受委托特致律师函", "请于收到本函之日起七日内履行付款义务", "否则我方将依法提起诉讼",
		"借款人向出借人借款人民币", "担保人对上述债务承担连带保证责任", "发票已开具并送达对方财务部门",
		"对账单经双方盖章确认无误", "微信聊天记录显示对方承认欠款事实", "电话录音中对方表示下个月付款",
		"判决被告于本判决生效之日起十日内支付原告货款及利息", "诉讼时效自权利人知道权利受到损害之日起计算",
		"送货单上有收货人签字", "对方以资金周转困难为由要求延期付款", "我司多次催收未果",
		"合同约定争议由原告所在地人民法院管辖", "付款方式为银行转账", "双方确认尚欠金额",
		"会议纪要记载了还款计划", "对方提出以货抵债", "质量异议应在收货后十日内书面提出",
		"本合同一式两份具有同等法律效力", "法定代表人签字并加盖公章", "催款通知书已通过快递寄送",
		"保全申请已提交法院", "执行过程中查封了被执行人的银行账户",
	}
	genEn = []string{
		"The buyer promised to pay the outstanding balance by the end of the month.",
		"Please find attached the invoice for the goods delivered last week.",
		"We remind you that the payment is overdue and interest is accruing.",
		"The parties agreed on an installment plan for the remaining amount.",
		"This letter constitutes a formal demand for payment.",
		"The debtor acknowledged the debt during the phone call.",
		"Delivery was accepted without any quality objection.",
		"Our client reserves all rights to bring legal proceedings.",
		"The guarantor is jointly liable for the obligations under the contract.",
		"Bank transfer records confirm partial payment.",
		"The statement of account was signed and stamped by both parties.",
		"He said the company had cash flow problems and asked for more time.",
	}
	// genChars are common characters; random pairs of them are the filler
	// "words" that give the corpus a realistically large bigram vocabulary.
	genChars   = []rune("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严")
	genKinds   = []string{"contract", "invoice", "delivery", "statement", "letter", "recording", "chat", "email", "photo", "judgment", "other"}
	genEnWords = strings.Fields("the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there been one all we their has would when if so no will more out up said what its about into than them can only other new some time could these two may first then do any like my now over such our man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three")
	genTitles  = []string{"买卖合同", "增值税发票", "送货单", "对账单", "律师函", "电话录音", "微信聊天记录", "Email", "照片", "民事判决书", "Memo"}
	genParties = []string{"上海申达贸易有限公司", "杭州恒远机械有限公司", "深圳华信电子有限公司", "Acme Trading Ltd", "北京京诚建材有限公司", "广州瑞达物流有限公司"}
)

// genCases is the number of distinct cases in the synthetic corpus.
const genCases = 1000

// genDocs returns n deterministic documents of about 2 KB each.
func genDocs(n int) []Doc {
	rng := rand.New(rand.NewPCG(42, 2026))
	// Characters and words follow Zipf's law as in real text; uniform
	// choice would give every document hundreds of unique bigrams.
	zc := rand.NewZipf(rng, 1.2, 4, uint64(len(genChars)-1))
	zw := rand.NewZipf(rng, 1.2, 4, uint64(len(genEnWords)-1))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	docs := make([]Doc, n)
	var b strings.Builder
	for i := range docs {
		k := rng.IntN(len(genKinds))
		c := rng.IntN(genCases)
		num := fmt.Sprintf("HT-%d-%04d", 2024+rng.IntN(3), rng.IntN(10000))
		b.Reset()
		fmt.Fprintf(&b, "合同编号 %s。", num)
		// About 24 sentences: one in 25 a legal phrase (so a given phrase is
		// in a few percent of documents), one in 6 English, the rest filler.
		for b.Len() < 2000 {
			switch x := rng.IntN(100); {
			case x < 4:
				b.WriteString(genZh[rng.IntN(len(genZh))])
				b.WriteString("。")
			case x < 6:
				b.WriteString(genEn[rng.IntN(len(genEn))])
				b.WriteByte(' ')
			case x < 20:
				for range 6 + rng.IntN(10) {
					b.WriteString(genEnWords[zw.Uint64()])
					b.WriteByte(' ')
				}
			default:
				for range 4 + rng.IntN(10) {
					b.WriteRune(genChars[zc.Uint64()])
					b.WriteRune(genChars[zc.Uint64()])
				}
				b.WriteString("，")
			}
		}
		docs[i] = Doc{
			EvidenceID: fmt.Sprintf("ev%07d", i),
			CaseID:     fmt.Sprintf("case%04d", c),
			CaseNumber: fmt.Sprintf("(2026)沪0101民初%d号", c),
			Title:      genTitles[k] + " " + num,
			Kind:       genKinds[k],
			Text:       b.String(),
			Parties:    []string{genParties[rng.IntN(len(genParties))], genParties[rng.IntN(len(genParties))]},
			OccurredAt: base.Add(time.Duration(rng.IntN(900*24)) * time.Hour),
			CreatedAt:  base.Add(900 * 24 * time.Hour),
		}
	}
	return docs
}
