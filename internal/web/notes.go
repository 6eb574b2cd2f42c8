package web

import "github.com/dossier/dossier/internal/recovery"

// Note words a recovery note (limitation basis, plan) in the page's
// language: the engine's English on English pages, otherwise its parts
// through noteZH. A note without parts shows as given.
func (m Msg) Note(en string, parts []recovery.NotePart) string {
	if m.Lang == "en" || len(parts) == 0 {
		return en
	}
	return recovery.RenderNote(parts, noteZH, m.noteParam)
}

// noteParam translates the enum values a note names; dates, amounts and IDs
// stay as they are.
func (m Msg) noteParam(code, name, v string) string {
	switch name {
	case "channel":
		return m.Enum("channel", v)
	case "stage":
		return m.Enum("stage", v)
	case "event":
		if zh, ok := noteEventZH[v]; ok {
			return zh
		}
	case "kind":
		if zh, ok := noteFilingZH[v]; ok {
			return zh
		}
	}
	return v
}

// noteEventZH words a communication's interruption inside a note.
var noteEventZH = map[string]string{
	recovery.EventDemand:         "催告",
	recovery.EventAcknowledgment: "承认债务",
}

// noteFilingZH words a filing kind (dossier.FilingKinds) inside a note.
var noteFilingZH = map[string]string{
	"payment_order": "已申请支付令",
	"litigation":    "已提起诉讼",
	"arbitration":   "已申请仲裁",
}

// noteZH is the Chinese of every recovery note code (recovery.NoteText);
// a suffix carries its own leading punctuation, as in English.
var noteZH = map[string]string{
	recovery.NoteDue:            "履行期限届满日：诉讼时效期间自次日起算（《民法典》第一百八十八条、第二百零一条）",
	recovery.NotePayment:        "还款 {amount}",
	recovery.NoteNoEvidence:     "，未附证据",
	recovery.NotePlan:           "分期还款计划：共 {total}，分 {installments} 期",
	recovery.NoteAgreementDraft: "已生成分期还款协议，但未录入为还款计划：无证据证明协议已签署",
	recovery.NoteFiling:         "{kind}",
	recovery.NoteFilingMissing:  "案件阶段为“{stage}”，但未录入申请支付令、起诉或申请仲裁的记录",
	recovery.NotePlanDraft: "，系依据系统生成的协议文书 {document} 录入，未以签署件作为证据，故不计入（签署前仅为草稿）：" +
		"请上传已签署的协议，并录入一条沟通记录（诉讼时效中断事由选“债务人承认债务”），日期为签署当日，引用该签署件，即可计入。" +
		"请勿重复录入该计划：计划录入后不能修改或删除，再录入一份会使本计划显示为违约",
	recovery.NotePlanLastDue: "；最后一期于 {last_due} 到期：当事人约定同一债务分期履行的，诉讼时效期间可能自最后一期履行期限届满之日起计算" +
		"（《最高人民法院关于审理民事案件适用诉讼时效制度若干问题的规定》（2020年修正）第五条），据此为 {later}；" +
		"此处显示的是自协议之日起算的较早日期，较为稳妥；依赖较晚日期前请由律师确认",
	recovery.NotePlanUnsigned: "，未以已签署的协议作为证据（evidence_id），故不计入：请录入一条债务人承认债务的沟通记录，" +
		"并引用已签署的协议",
	recovery.NoteGoodsOnly:       "该沟通记录仅引用送货/验收单，此类单据只能证明货物交付，不能证明本次沟通",
	recovery.NoteNoEvidenceCited: "该沟通记录未引用任何证据",
	recovery.NoteLetterUnserved: "以函件催告的，须有送达证明方可计入：请引用邮政或快递的签收记录、签收回执，或债务人表示已收到的消息，" +
		"并在录入证据时于说明中注明“签收”“送达”或“妥投”；送货/验收单不能作为送达证明",
	recovery.NoteCommunication: "{event}（{channel}）",
	recovery.NoteServedBy:      "，已送达，见证据 {evidence}",
	recovery.NoteServedOn:      "，送达日为 {served_on}；为稳妥起见，按较早的 {date} 重新计算诉讼时效期间",
	recovery.NoteLetterUndated: "函件证据未填写日期（occurred_at）",
	recovery.NoteLetterServed:  "函件 {evidence}，据其自身记载已送达",
	recovery.NoteLetterNoProof: "函件无送达证明：请录入一条催告沟通记录（方式选“信函”），引用该函件及送达证明（签收、送达或妥投记录）；" +
		"送货/验收单不能作为送达证明",
	recovery.NotePaidAfterExpiry: "；系在诉讼时效期间于 {deadline} 届满后支付，故不计入：时效届满后还款可能构成放弃时效抗辩，" +
		"范围或限于所还金额，或及于全部债务（《民法典》第一百九十二条；《最高人民法院关于审理民事案件适用诉讼时效制度若干问题的规定》" +
		"（2020年修正）第十九条），由律师判断",
	recovery.NoteAfterExpiry:       "；发生于诉讼时效期间届满之后，不引起诉讼时效重新计算",
	recovery.NoteDebtorAfterExpiry: "；发生于诉讼时效期间届满之后：已计入，因届满后同意履行的，债务人不得再以时效届满抗辩（《民法典》第一百九十二条；最高人民法院诉讼时效规定（2020年修正）第十九条），但须能体现债务人同意履行的意思表示，由律师确认",
	recovery.NotePlanDemandPending: "{demand_date} 的书面催告已于 {served_on} 送达：债务人至 {last_day}（自送达次日起 {days} 日，" +
		"即协议所写的期限，协议未写的取 DOSSIER_DEMAND_DAYS）仍未付清逾期的分期款项的，剩余全部款项于 {due_on} 到期",
	recovery.NotePlanNoDemand: "自 {defaulted_on} 起违约，但目前仅已到期的分期款项应付：须在该日或之后发出书面催告并送达，" +
		"债务人在 {days} 日内仍未支付的，剩余全部款项方到期（协议的加速到期条款）。请将催告录入为沟通记录：" +
		"以函件催告的引用送达证明，以电子邮件、短信或微信催告的引用该条消息",
}
