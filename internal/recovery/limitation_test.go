package recovery_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/recovery"
)

func d(s string) dossier.Date {
	v, err := dossier.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

// at is noon on day s in Shanghai, the service's zone in these tests.
func at(s string) time.Time {
	v := d(s)
	return time.Date(v.Year(), v.Month(), v.Day(), 12, 0, 0, 0, shanghai)
}

var shanghai = time.FixedZone("CST", 8*3600)

func ev(id, kind, on string) *dossier.Evidence {
	e := &dossier.Evidence{ID: id, Kind: dossier.EvidenceKind(kind), CreatedAt: at("2026-11-01")}
	if on != "" {
		t := at(on)
		e.OccurredAt = &t
	}
	return e
}

// described gives e the title and description a user typed at intake.
func described(e *dossier.Evidence, title, description string) *dossier.Evidence {
	e.Title, e.Description = title, description
	return e
}

func comm(id, interruption, channel, on string, evidence ...string) *dossier.Communication {
	return &dossier.Communication{ID: id, Interruption: interruption, Channel: dossier.Channel(channel),
		OccurredAt: at(on), EvidenceIDs: evidence}
}

func pay(id, on string, amount dossier.Money, evidence string) *dossier.Payment {
	return &dossier.Payment{ID: id, PaidAt: at(on), Amount: amount, EvidenceID: evidence}
}

func records(due string, stage dossier.Stage) *dossier.CaseRecords {
	return &dossier.CaseRecords{Case: &dossier.Case{ID: "c1", Number: "2026-HZ-1", DueDate: d(due), Stage: stage,
		Principal: 1000000, Currency: "CNY", UpdatedAt: at("2026-10-01")}}
}

func TestAddYears(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2024-02-29", "2027-02-28"}, // no 29 February in 2027: the month's last day (art. 202)
		{"2023-02-28", "2026-02-28"},
		{"2025-02-28", "2028-02-28"}, // not the 29th: the corresponding day exists
		{"2026-01-31", "2029-01-31"},
		{"2026-12-31", "2029-12-31"},
	} {
		if got := recovery.AddYears(d(tc.in), 3); got.String() != tc.want {
			t.Errorf("%s + 3y = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestLimitation(t *testing.T) {
	today := d("2026-11-25")
	tests := []struct {
		name     string
		r        func() *dossier.CaseRecords
		deadline string
		expired  bool
		// events lists the non-due basis rows as event:proven:counted.
		events []string
	}{
		{"DueOnly", func() *dossier.CaseRecords { return records("2024-02-29", dossier.StageNegotiation) },
			"2027-02-28", false, nil},
		{"DemandCommunication", func() *dossier.CaseRecords {
			r := records("2022-01-10", dossier.StageNegotiation)
			r.Evidence = []*dossier.Evidence{ev("rec1", "recording", "2024-06-01")}
			r.Communications = []*dossier.Communication{comm("m1", "demand", "phone", "2024-06-01", "rec1")}
			return r
		}, "2027-06-01", false, []string{"demand:true:true"}},
		{"ErrDemandLetterWithoutDelivery", func() *dossier.CaseRecords {
			r := records("2022-01-10", dossier.StageLawyerLetter)
			r.Evidence = []*dossier.Evidence{ev("l1", "letter", "2024-06-01")}
			r.Communications = []*dossier.Communication{comm("m1", "demand", "letter", "2024-06-01", "l1")}
			return r
		}, "2025-01-10", true, []string{"demand:false:false"}},
		{"DemandLetterServed", func() *dossier.CaseRecords {
			// Served on 4 June per the courier's record, recorded as sent on
			// 3 June: the earlier day is taken, never a later one.
			r := records("2022-01-10", dossier.StageLawyerLetter)
			r.Evidence = []*dossier.Evidence{ev("l1", "letter", "2024-06-01"),
				described(ev("ems", "other", "2024-06-04"), "EMS 妥投证明", "律师函已由债务人签收")}
			r.Communications = []*dossier.Communication{comm("m1", "demand", "letter", "2024-06-03", "l1", "ems")}
			return r
		}, "2027-06-03", false, []string{"demand:true:true"}},
		{"DemandLetterServiceRecordEarlier", func() *dossier.CaseRecords {
			// Recorded a week late: the day of service on the receipt counts.
			r := records("2022-01-10", dossier.StageLawyerLetter)
			r.Evidence = []*dossier.Evidence{described(ev("rcpt", "photo", "2024-06-04"), "Return receipt", "signed for by the debtor")}
			r.Communications = []*dossier.Communication{comm("m1", "demand", "letter", "2024-06-11", "rcpt")}
			return r
		}, "2027-06-04", false, []string{"demand:true:true"}},
		{"ErrDemandLetterGoodsDelivery", func() *dossier.CaseRecords {
			// A goods delivery note (送货/验收单) is no proof of service,
			// even one that says 签收.
			r := records("2022-01-10", dossier.StageLawyerLetter)
			r.Evidence = []*dossier.Evidence{ev("l1", "letter", "2024-06-01"),
				described(ev("goods", "delivery", "2024-06-04"), "送货单", "客户已签收")}
			r.Communications = []*dossier.Communication{comm("m1", "demand", "letter", "2024-06-03", "l1", "goods")}
			return r
		}, "2025-01-10", true, []string{"demand:false:false"}},
		{"ErrDemandLetterReturned", func() *dossier.CaseRecords {
			r := records("2022-01-10", dossier.StageLawyerLetter)
			r.Evidence = []*dossier.Evidence{ev("l1", "letter", "2024-06-01"),
				described(ev("ems", "other", "2024-06-09"), "EMS 签收记录", "拒收，已退回")}
			r.Communications = []*dossier.Communication{comm("m1", "demand", "letter", "2024-06-03", "l1", "ems")}
			return r
		}, "2025-01-10", true, []string{"demand:false:false"}},
		{"ErrDemandOnlyLetterCopy", func() *dossier.CaseRecords {
			// A visit citing only the letter: the copy shows what was sent,
			// not that it arrived.
			r := records("2022-01-10", dossier.StageLawyerLetter)
			r.Evidence = []*dossier.Evidence{ev("l1", "letter", "2024-06-01")}
			r.Communications = []*dossier.Communication{comm("m1", "demand", "visit", "2024-06-03", "l1")}
			return r
		}, "2025-01-10", true, []string{"demand:false:false"}},
		{"ErrDemandAddressForService", func() *dossier.CaseRecords {
			// A 送达地址确认书 names where documents may be served; it says
			// nothing was.
			r := records("2022-01-10", dossier.StageLawyerLetter)
			r.Evidence = []*dossier.Evidence{ev("l1", "letter", "2024-06-01"),
				described(ev("addr", "other", "2024-06-04"), "送达地址确认书", "债务人确认的送达地址：杭州市西湖区")}
			r.Communications = []*dossier.Communication{comm("m1", "demand", "letter", "2024-06-03", "l1", "addr")}
			return r
		}, "2025-01-10", true, []string{"demand:false:false"}},
		{"ErrDemandBankSlipReceived", func() *dossier.CaseRecords {
			// 收到货款 on a bank slip is money received, not a letter.
			r := records("2022-01-10", dossier.StageLawyerLetter)
			r.Evidence = []*dossier.Evidence{ev("l1", "letter", "2024-06-01"),
				described(ev("slip", "photo", "2024-06-04"), "银行回单", "已收到货款5000元，发票随函寄出"),
				described(ev("slip2", "other", "2024-06-05"), "Bank slip", "Payment received with thanks")}
			r.Communications = []*dossier.Communication{comm("m1", "demand", "letter", "2024-06-03", "l1", "slip", "slip2")}
			return r
		}, "2025-01-10", true, []string{"demand:false:false"}},
		{"DemandLetterReceivedPerChat", func() *dossier.CaseRecords {
			// The debtor's own message that the letter arrived.
			r := records("2022-01-10", dossier.StageLawyerLetter)
			r.Evidence = []*dossier.Evidence{ev("l1", "letter", "2024-06-01"),
				described(ev("chat", "chat", "2024-06-05"), "微信聊天记录", "对方回复：已收到贵司发来的律师函"),
				described(ev("mail", "email", "2024-06-06"), "Reply", "We have received your demand letter")}
			r.Communications = []*dossier.Communication{comm("m1", "demand", "letter", "2024-06-03", "l1", "chat"),
				comm("m2", "demand", "letter", "2024-06-04", "l1", "mail")}
			return r
		}, "2027-06-04", false, []string{"demand:true:true", "demand:true:true"}},
		{"LetterEvidenceServed", func() *dossier.CaseRecords {
			// No communication: a letter whose own record says it was served
			// counts from its date.
			r := records("2022-01-10", dossier.StageLawyerLetter)
			r.Evidence = []*dossier.Evidence{described(ev("l1", "letter", "2024-06-01"), "律师函及送达回证", "")}
			return r
		}, "2027-06-01", false, []string{"demand:true:true"}},
		{"ErrLetterEvidenceGoodsDelivery", func() *dossier.CaseRecords {
			// A later goods delivery note is not the letter's service.
			r := records("2022-01-10", dossier.StageLawyerLetter)
			r.Evidence = []*dossier.Evidence{ev("l1", "letter", "2024-06-01"), ev("goods", "delivery", "2024-06-05")}
			return r
		}, "2025-01-10", true, []string{"demand:false:false"}},
		{"ErrLetterEvidenceUndelivered", func() *dossier.CaseRecords {
			r := records("2022-01-10", dossier.StageLawyerLetter)
			r.Evidence = []*dossier.Evidence{described(ev("l1", "letter", "2024-06-01"), "律师函", "未送达"), ev("l2", "letter", "")}
			return r
		}, "2025-01-10", true, []string{"demand:false:false", "demand:false:false"}},
		{"AcknowledgmentByPromise", func() *dossier.CaseRecords {
			r := records("2023-03-01", dossier.StageNegotiation)
			amt, on := dossier.Money(50000), d("2025-09-30")
			m := comm("m1", "", "wechat", "2025-09-01", "chat1")
			m.PromiseAmount, m.PromiseDate = &amt, &on
			r.Evidence = []*dossier.Evidence{ev("chat1", "chat", "2025-09-01")}
			r.Communications = []*dossier.Communication{m}
			return r
		}, "2028-09-01", false, []string{"acknowledgment:true:true"}},
		{"ErrAcknowledgmentUnproven", func() *dossier.CaseRecords {
			r := records("2023-03-01", dossier.StageNegotiation)
			r.Communications = []*dossier.Communication{comm("m1", "acknowledgment", "phone", "2025-09-01")}
			return r
		}, "2026-03-01", true, []string{"acknowledgment:false:false"}},
		{"ErrEvidenceDeleted", func() *dossier.CaseRecords {
			r := records("2023-03-01", dossier.StageNegotiation)
			// The cited recording was tombstoned: it no longer proves anything.
			r.Communications = []*dossier.Communication{comm("m1", "acknowledgment", "phone", "2025-09-01", "gone")}
			return r
		}, "2026-03-01", true, []string{"acknowledgment:false:false"}},
		{"InstallmentAgreement", func() *dossier.CaseRecords {
			r := records("2023-03-01", dossier.StageInstallment)
			r.Evidence = []*dossier.Evidence{ev("signed", "contract", "2025-12-15")}
			r.Plans = []*dossier.InstallmentPlan{{ID: "p1", Total: 30000, Installments: 3, AgreedOn: d("2025-12-15"),
				DocumentID: "doc1", EvidenceID: "signed"}, {ID: "p2", Total: 30000, Installments: 3, AgreedOn: d("2026-02-01")}}
			return r
		}, "2028-12-15", false, []string{"installment_agreement:true:true", "installment_agreement:false:false"}},
		{"ErrPlanFromDraft", func() *dossier.CaseRecords {
			// A plan made from a generated agreement with no signed copy
			// cited: the draft proves no acknowledgment.
			r := records("2022-01-10", dossier.StageInstallment)
			r.Agreements = []*dossier.Document{{ID: "doc1", Template: "installment_agreement", CreatedAt: at("2024-06-01")}}
			r.Plans = []*dossier.InstallmentPlan{{ID: "p1", Total: 10000, Installments: 2, AgreedOn: d("2024-06-01"), DocumentID: "doc1"}}
			return r
		}, "2025-01-10", true, []string{"installment_agreement:false:false"}},
		{"ErrAgreementDocumentOnly", func() *dossier.CaseRecords {
			// Generated but never entered as a plan: a draft, not proof.
			r := records("2023-03-01", dossier.StageInstallment)
			r.Evidence = []*dossier.Evidence{ev("signed", "contract", "2025-12-02")}
			r.Agreements = []*dossier.Document{{ID: "doc9", Template: "installment_agreement", CreatedAt: at("2025-12-15")},
				{ID: "doc1", Template: "installment_agreement", CreatedAt: at("2025-12-01")}}
			r.Plans = []*dossier.InstallmentPlan{{ID: "p1", Total: 30000, Installments: 3, AgreedOn: d("2025-12-02"),
				DocumentID: "doc1", EvidenceID: "signed"}}
			return r
		}, "2028-12-02", false, []string{"installment_agreement:true:true", "installment_agreement:false:false"}},
		{"PartialPayment", func() *dossier.CaseRecords {
			r := records("2023-03-01", dossier.StageNegotiation)
			r.Evidence = []*dossier.Evidence{ev("slip", "statement", "2025-05-20")}
			reversed := pay("p2", "2026-01-10", 20000, "slip")
			reversed.ReversedBy = "p3"
			r.Payments = []*dossier.Payment{pay("p1", "2025-05-20", 10000, "slip"), reversed,
				{ID: "p3", PaidAt: at("2026-01-11"), Amount: -20000, Reverses: "p2"}, pay("p4", "2026-02-01", 5000, "")}
			return r
		}, "2028-05-20", false, []string{"partial_payment:true:true", "partial_payment:false:false"}},
		{"Filing", func() *dossier.CaseRecords {
			r := records("2023-03-01", dossier.StagePaymentOrder)
			r.Evidence = []*dossier.Evidence{ev("receipt", "other", "2026-02-10")}
			r.Filings = []*dossier.Filing{{ID: "f1", Kind: "payment_order", FiledOn: d("2026-02-10"), EvidenceID: "receipt"}}
			return r
		}, "2029-02-10", false, []string{"filing:true:true"}},
		{"ErrStageWithoutFiling", func() *dossier.CaseRecords {
			return records("2023-03-01", dossier.StageLitigation)
		}, "2026-03-01", true, []string{"filing:false:false"}},
		{"SeveralInterruptions", func() *dossier.CaseRecords {
			r := records("2019-05-01", dossier.StageNegotiation)
			r.Evidence = []*dossier.Evidence{ev("slip", "statement", "2021-04-01"), ev("rec", "recording", "2024-03-15"),
				ev("chat", "chat", "2026-01-20")}
			r.Payments = []*dossier.Payment{pay("p1", "2021-04-01", 10000, "slip")}
			r.Communications = []*dossier.Communication{comm("m1", "demand", "phone", "2024-03-15", "rec"),
				comm("m2", "acknowledgment", "wechat", "2026-01-20", "chat"),
				comm("m3", "demand", "phone", "2025-06-01")} // unproven, between two proven ones
			return r
		}, "2029-01-20", false, []string{"partial_payment:true:true", "demand:true:true", "demand:false:false",
			"acknowledgment:true:true"}},
		{"ErrExpiredDemandTooLate", func() *dossier.CaseRecords {
			// The period ran out on 2023-01-01; a demand after that does not
			// revive the claim.
			r := records("2020-01-01", dossier.StageLawyerLetter)
			r.Evidence = []*dossier.Evidence{ev("rec", "recording", "2023-06-01")}
			r.Communications = []*dossier.Communication{comm("m1", "demand", "phone", "2023-06-01", "rec")}
			return r
		}, "2023-01-01", true, []string{"demand:true:false"}},
		{"ErrPaymentAfterExpiry", func() *dossier.CaseRecords {
			// A payment after expiry is not counted: whether it waived the
			// defence (SPC provisions art. 19) is for counsel to assess.
			r := records("2020-01-10", dossier.StageNegotiation)
			r.Evidence = []*dossier.Evidence{ev("slip", "statement", "2024-05-01")}
			r.Payments = []*dossier.Payment{pay("p1", "2024-05-01", 10000, "slip")}
			return r
		}, "2023-01-10", true, []string{"partial_payment:true:false"}},
		{"PaymentAfterRevivedPeriod", func() *dossier.CaseRecords {
			// Acknowledged after expiry, then paid within the new period.
			r := records("2020-01-01", dossier.StageNegotiation)
			r.Evidence = []*dossier.Evidence{ev("chat", "chat", "2023-06-01"), ev("slip", "statement", "2024-05-01")}
			r.Communications = []*dossier.Communication{comm("m1", "acknowledgment", "wechat", "2023-06-01", "chat")}
			r.Payments = []*dossier.Payment{pay("p1", "2024-05-01", 10000, "slip")}
			return r
		}, "2027-05-01", false, []string{"acknowledgment:true:true", "partial_payment:true:true"}},
		{"AcknowledgmentAfterExpiry", func() *dossier.CaseRecords {
			// A debtor who agrees to pay after expiry can no longer plead it (art. 192).
			r := records("2020-01-01", dossier.StageNegotiation)
			r.Evidence = []*dossier.Evidence{ev("chat", "chat", "2023-06-01")}
			r.Communications = []*dossier.Communication{comm("m1", "acknowledgment", "wechat", "2023-06-01", "chat")}
			return r
		}, "2026-06-01", true, []string{"acknowledgment:true:true"}},
		{"DeadlineIsToday", func() *dossier.CaseRecords { return records("2023-11-25", dossier.StageNegotiation) },
			"2026-11-25", false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.r()
			for _, e := range r.Evidence {
				e.CaseID = r.Case.ID
			}
			l := recovery.ComputeLimitation(r, today, shanghai)
			if l.Deadline.String() != tc.deadline || l.Expired != tc.expired {
				t.Fatalf("deadline %s expired %v, want %s %v; basis %+v", l.Deadline, l.Expired, tc.deadline, tc.expired, l.Basis)
			}
			if want := today.DaysUntil(d(tc.deadline)); l.DaysLeft != want {
				t.Errorf("days_left %d, want %d", l.DaysLeft, want)
			}
			if l.Basis[0].Event != "due" || !l.Basis[0].Date.Equal(r.Case.DueDate.Time) {
				t.Fatalf("first basis row %+v", l.Basis[0])
			}
			checkNoteParts(t, l.Basis[0].Note, l.Basis[0].NoteParts)
			var got []string
			for _, b := range l.Basis[1:] {
				checkNoteParts(t, b.Note, b.NoteParts)
				got = append(got, fmt.Sprintf("%s:%v:%v", b.Event, b.Proven, b.Counted))
				if b.Note == "" || b.Date.IsZero() {
					t.Errorf("basis row without note or date: %+v", b)
				}
				if b.Proven && b.EvidenceID == "" && b.PlanID == "" {
					t.Errorf("proven event cites no evidence: %+v", b)
				}
			}
			if strings.Join(got, " ") != strings.Join(tc.events, " ") {
				t.Fatalf("events %v, want %v", got, tc.events)
			}
		})
	}
}

// TestLimitationNotes checks that rows which do not count tell counsel why
// and what would make them count.
func TestLimitationNotes(t *testing.T) {
	tests := []struct {
		name   string
		r      func() *dossier.CaseRecords
		event  string
		want   []string
		absent []string
	}{
		{"ErrPaymentAfterExpiry", func() *dossier.CaseRecords {
			r := records("2020-01-10", dossier.StageNegotiation)
			r.Evidence = []*dossier.Evidence{ev("slip", "statement", "2024-05-01")}
			r.Payments = []*dossier.Payment{pay("p1", "2024-05-01", 10000, "slip")}
			return r
		}, "partial_payment", []string{"2023-01-10", "waiv", "art. 19", "counsel"}, nil},
		{"ErrPlanFromDraft", func() *dossier.CaseRecords {
			r := records("2022-01-10", dossier.StageInstallment)
			r.Plans = []*dossier.InstallmentPlan{{ID: "p1", Total: 10000, Installments: 2, AgreedOn: d("2024-06-01"), DocumentID: "doc1"}}
			return r
		}, "installment_agreement", []string{"doc1", "not counted", "signed", "acknowledgment", "Do not enter the plan again"},
			// Plans cannot be edited or removed: a second plan would leave
			// this one in default.
			[]string{"enter the plan with", "evidence_id"}},
		{"ErrPlanWithoutEvidence", func() *dossier.CaseRecords {
			r := records("2022-01-10", dossier.StageInstallment)
			r.Plans = []*dossier.InstallmentPlan{{ID: "p1", Total: 10000, Installments: 2, AgreedOn: d("2024-06-01")}}
			return r
		}, "installment_agreement", []string{"not counted", "acknowledgment"}, []string{"enter the plan"}},
		{"ErrLetterWithoutService", func() *dossier.CaseRecords {
			r := records("2022-01-10", dossier.StageLawyerLetter)
			r.Evidence = []*dossier.Evidence{ev("l1", "letter", "2024-06-01"), ev("goods", "delivery", "2024-06-05")}
			r.Communications = []*dossier.Communication{comm("m1", "demand", "letter", "2024-06-03", "l1", "goods")}
			return r
		}, "demand", []string{"proof of service", "签收", "goods delivery"}, nil},
		{"LetterServedAfterSent", func() *dossier.CaseRecords {
			r := records("2022-01-10", dossier.StageLawyerLetter)
			r.Evidence = []*dossier.Evidence{ev("l1", "letter", "2024-06-01"), receipt("ems", "2024-06-04")}
			r.Communications = []*dossier.Communication{comm("m1", "demand", "letter", "2024-06-03", "l1", "ems")}
			return r
		}, "demand", []string{"served per evidence ems on 2024-06-04", "counted again from the earlier 2024-06-03"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := recovery.ComputeLimitation(tc.r(), d("2026-02-01"), shanghai)
			var note string
			for _, b := range l.Basis {
				if b.Event == tc.event {
					note = b.Note
				}
			}
			for _, w := range tc.want {
				if !strings.Contains(note, w) {
					t.Errorf("%s note %q lacks %q", tc.event, note, w)
				}
			}
			for _, w := range tc.absent {
				if strings.Contains(note, w) {
					t.Errorf("%s note %q says %q", tc.event, note, w)
				}
			}
		})
	}
}

// TestDemandServedOn checks what a proven demand tells the plans and the
// case page beside its date: the day it reached the debtor, and whether it
// was a letter.
func TestDemandServedOn(t *testing.T) {
	r := records("2022-01-10", dossier.StageLawyerLetter)
	r.Evidence = []*dossier.Evidence{ev("l1", "letter", "2024-06-01"), receipt("ems", "2024-06-04"),
		receipt("early", "2024-06-10"), ev("mail", "email", "2024-06-12")}
	r.Communications = []*dossier.Communication{
		comm("sent", "demand", "letter", "2024-06-03", "l1", "ems"),   // served after it was sent
		comm("late", "demand", "letter", "2024-06-11", "early"),       // recorded after the receipt's day
		comm("visit", "demand", "visit", "2024-06-05", "l1"),          // cites only a letter: a letter, unserved
		comm("email", "demand", "email", "2024-06-12", "mail"),        // a message is served the day it is sent
		comm("ack", "acknowledgment", "wechat", "2024-06-13", "mail")} // not a demand
	want := map[string]struct {
		date, served string
		letter       bool
	}{
		"sent":  {"2024-06-03", "2024-06-04", true},
		"late":  {"2024-06-10", "2024-06-11", true},
		"visit": {"2024-06-05", "", true},
		"email": {"2024-06-12", "2024-06-12", false},
		"ack":   {"2024-06-13", "", false},
	}
	l := recovery.ComputeLimitation(r, d("2026-02-01"), shanghai)
	seen := 0
	for i := range l.Basis {
		b := &l.Basis[i]
		w, ok := want[b.CommunicationID]
		if !ok {
			continue
		}
		seen++
		served := ""
		if !b.ServedOn.IsZero() {
			served = b.ServedOn.String()
		}
		if b.Date.String() != w.date || served != w.served || b.Letter() != w.letter {
			t.Errorf("%s: date %s served %q letter %v, want %s %q %v", b.CommunicationID, b.Date, served, b.Letter(),
				w.date, w.served, w.letter)
		}
	}
	if seen != len(want) {
		t.Fatalf("%d of %d communications in the basis", seen, len(want))
	}
}
