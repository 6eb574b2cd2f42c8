package search

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixtureDocs is a small labelled corpus of debt-recovery evidence in Chinese
// and English. Near misses are deliberate: e05 has 分期 without 还款, e16 has
// 分期 and 还款 apart, e07 mentions pay but no promise, e18 a neighbouring
// contract number.
var fixtureDocs = []Doc{
	{EvidenceID: "e01", CaseID: "c1", CaseNumber: "(2026)沪0101民初1234号", Kind: "contract", Title: "买卖合同 HT-2026-0042",
		Text:       "甲方：上海申达贸易有限公司 乙方：杭州恒远机械有限公司。合同编号 HT-2026-0042。乙方应于2026年3月31日前支付货款人民币壹万贰仟元整（¥12,000.00）。逾期付款的，按日万分之五支付违约金。",
		Parties:    []string{"上海申达贸易有限公司", "杭州恒远机械有限公司"},
		OccurredAt: day("2026-01-05")},
	{EvidenceID: "e02", CaseID: "c1", CaseNumber: "(2026)沪0101民初1234号", Kind: "email", Title: "Re: 货款 payment schedule",
		Text:       "Dear Mr. Wang, as discussed, your company promised to pay the outstanding balance of RMB 12,000 under contract HT-2026-0042 by March 31. 王总，您好，关于拖欠货款一事，请尽快安排。",
		OccurredAt: day("2026-02-01")},
	{EvidenceID: "e03", CaseID: "c1", CaseNumber: "(2026)沪0101民初1234号", Kind: "recording", Title: "电话录音 2026-02-10",
		Text:       "张经理：王总，货款什么时候能付？王总：下个月一定付，我们可以分期还款，先付一半。",
		OccurredAt: day("2026-02-10")},
	{EvidenceID: "e04", CaseID: "c1", CaseNumber: "(2026)沪0101民初1234号", Kind: "letter", Title: "律师函",
		Text:       "致杭州恒远机械有限公司：本所受上海申达贸易有限公司委托，就贵司拖欠货款事宜致函如下，请于收到本律师函之日起七日内支付。",
		OccurredAt: day("2026-03-02")},
	{EvidenceID: "e05", CaseID: "c2", CaseNumber: "(2026)京0105民初88号", Kind: "chat", Title: "微信聊天记录",
		Text:       "李四：借款的事情，我会分期偿还，每月还两千。",
		OccurredAt: day("2026-01-20")},
	{EvidenceID: "e06", CaseID: "c2", CaseNumber: "(2026)京0105民初88号", Kind: "contract", Title: "借款合同 HT-2025-0100",
		Text:       "借款人李四向出借人赵六借款人民币五万元，借款期限一年。",
		OccurredAt: day("2025-06-01")},
	{EvidenceID: "e07", CaseID: "c2", CaseNumber: "(2026)京0105民初88号", Kind: "email", Title: "Payment reminder",
		Text:       "We remind you that the payment is overdue. Please pay the invoice INV-778 within 7 days.",
		OccurredAt: day("2026-02-15")},
	{EvidenceID: "e08", CaseID: "c2", CaseNumber: "(2026)京0105民初88号", Kind: "invoice", Title: "增值税专用发票",
		Text:       "发票号码 04411234，货物名称：数控机床配件，金额 ¥35,600.00",
		OccurredAt: day("2026-01-10")},
	{EvidenceID: "e09", CaseID: "c3", CaseNumber: "(2026)粤0304民初5678号", Kind: "delivery", Title: "送货单",
		Text:       "送货单号 SH-0087，收货人签字：刘强。货物已验收。",
		Parties:    []string{"刘强"},
		OccurredAt: day("2026-01-12")},
	{EvidenceID: "e10", CaseID: "c3", CaseNumber: "(2026)粤0304民初5678号", Kind: "statement", Title: "对账单 2026年1月",
		Text:       "截至2026年1月31日，贵司尚欠我司货款合计人民币捌万元整。",
		OccurredAt: day("2026-01-31")},
	{EvidenceID: "e11", CaseID: "c3", CaseNumber: "(2026)粤0304民初5678号", Kind: "letter", Title: "Demand letter",
		Text:       "This lawyer's letter demands payment of the outstanding amount. 律师函 attached.",
		OccurredAt: day("2026-03-05")},
	{EvidenceID: "e12", CaseID: "c3", CaseNumber: "(2026)粤0304民初5678号", Kind: "recording", Title: "Call with Mr. Liu",
		Text:       "Mr. Liu said he would transfer the money next week. He never promised to pay the penalty.",
		OccurredAt: day("2026-02-20")},
	{EvidenceID: "e13", CaseID: "c3", CaseNumber: "(2026)粤0304民初5678号", Kind: "judgment", Title: "民事判决书",
		Text:       "判决被告于本判决生效之日起十日内支付原告货款80000元及利息。",
		OccurredAt: day("2026-03-20")},
	{EvidenceID: "e14", CaseID: "c1", CaseNumber: "(2026)沪0101民初1234号", Kind: "photo", Title: "现场照片",
		CreatedAt: day("2026-01-15")},
	{EvidenceID: "e15", CaseID: "c2", CaseNumber: "(2026)京0105民初88号", Kind: "other", Title: "<script>alert(1)</script> 备忘录",
		Text:       "注意：<script>alert('x')</script> 分期还款方案待定 & 未签字",
		OccurredAt: day("2026-02-25")},
	{EvidenceID: "e16", CaseID: "c1", CaseNumber: "(2026)沪0101民初1234号", Kind: "chat", Title: "微信聊天 分期",
		Text:       "王总：分期的事我再考虑一下，还款计划下周给你。",
		OccurredAt: day("2026-02-12")},
	{EvidenceID: "e17", CaseID: "c3", CaseNumber: "(2026)粤0304民初5678号", Kind: "email", Title: "Invoice dispute",
		Text:       "The customer disputes invoice 04411234 and refuses payment.",
		OccurredAt: day("2026-02-03")},
	{EvidenceID: "e18", CaseID: "c3", CaseNumber: "(2026)粤0304民初5678号", Kind: "contract", Title: "Sales contract HT-2026-0043",
		Text:       "Contract number HT-2026-0043 between Shenzhen Huaxin and Guangzhou Ruida for CNC parts.",
		OccurredAt: day("2025-11-11")},
	{EvidenceID: "e19", CaseID: "c2", CaseNumber: "(2026)京0105民初88号", Kind: "statement", Title: "Account statement Q1",
		Text:       "Outstanding balance: 50,000. Interest accrued.",
		Parties:    []string{"Acme Trading Ltd"},
		OccurredAt: day("2026-03-31")},
	{EvidenceID: "e20", CaseID: "c1", CaseNumber: "(2026)沪0101民初1234号", Kind: "other", Title: "会议纪要",
		Text:       "双方同意就货款争议进行调解。Mediation scheduled.",
		OccurredAt: day("2026-03-10")},
}

// fixtureQueries are labelled queries: each must find every ID in want and
// none in not. They double as the labelled set for comparing analyzers.
var fixtureQueries = []struct {
	name, q   string
	want, not []string
}{
	{"ChineseWordIsPhrase", "分期还款", []string{"e03", "e15"}, []string{"e05", "e16"}},
	{"QuotedChinesePhrase", `"分期还款"`, []string{"e03", "e15"}, []string{"e05", "e16"}},
	{"CurlyQuotes", "“分期还款”", []string{"e03", "e15"}, []string{"e05", "e16"}},
	{"TwoChineseWordsAnd", "分期 还款", []string{"e03", "e15", "e16"}, []string{"e05"}},
	{"GoodsPayment", "货款", []string{"e01", "e02", "e03", "e04", "e10", "e13", "e20"}, []string{"e06", "e07", "e08"}},
	{"LawyerLetter", "律师函", []string{"e04", "e11"}, []string{"e01", "e02"}},
	{"EnglishPhrase", `"promised to pay"`, []string{"e02", "e12"}, []string{"e07", "e17"}},
	{"EnglishStemsAnd", "promise paying", []string{"e02", "e12"}, []string{"e07"}},
	{"EnglishStem", "paying", []string{"e02", "e07", "e12"}, []string{"e17"}},
	{"ContractNumber", "HT-2026-0042", []string{"e01", "e02"}, []string{"e18", "e06"}},
	{"ContractNumberLower", "ht-2026-0043", []string{"e18"}, []string{"e01", "e02"}},
	{"BigramRecall", "民币", []string{"e01", "e06", "e10"}, []string{"e02", "e13"}},
	{"Exclusion", "货款 -律师函", []string{"e01", "e03", "e10"}, []string{"e04"}},
	{"ExcludedPhrase", `invoice -"refuses payment"`, []string{"e07"}, []string{"e17"}},
	{"CaseInsensitive", "INVOICE", []string{"e07", "e17"}, []string{"e08"}},
	{"Parties", "acme", []string{"e19"}, []string{"e07"}},
	{"PartiesChinese", "恒远机械", []string{"e01", "e04"}, []string{"e09"}},
	{"Mixed", "货款 payment", []string{"e02"}, []string{"e01", "e07"}},
	{"TitleOnly", "现场照片", []string{"e14"}, nil},
	{"InvoiceNumber", "04411234", []string{"e08", "e17"}, []string{"e07"}},
	{"FullWidthDigits", "０４４１１２３４", []string{"e08", "e17"}, nil},
	{"Judgment", "判决书", []string{"e13"}, nil},
	{"NoMatch", "仲裁裁决", nil, []string{"e13", "e01"}},
}

// mustOpen opens a fresh index in a temp dir, closed when the test ends.
func mustOpen(tb testing.TB) *Index {
	tb.Helper()
	ix, err := Open(tb.TempDir() + "/idx")
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { _ = ix.Close() })
	return ix
}

// mustFixture opens an index holding fixtureDocs.
func mustFixture(tb testing.TB) *Index {
	tb.Helper()
	ix := mustOpen(tb)
	if err := ix.Index(fixtureDocs...); err != nil {
		tb.Fatalf("Index: %v", err)
	}
	return ix
}
