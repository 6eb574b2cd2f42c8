package recovery

import (
	"sort"
	"strings"
)

// NotePart is one clause of a Basis or plan note: a stable code and the
// values it names. A note is its parts' texts run together, so a front can
// word it in another language; Note is the English (NoteText), kept for the
// API as it was.
type NotePart struct {
	Code   string            `json:"code"`
	Params map[string]string `json:"params,omitempty"`
}

// Note codes. Params are named in braces in NoteText; "channel", "event",
// "kind" and "stage" hold enum values, every other param a date, an amount,
// a count or an ID.
const (
	NoteDue               = "due"                 // the case's due date starts the period
	NotePayment           = "payment"             // {amount}
	NoteNoEvidence        = "no_evidence"         // suffix: a payment or filing cites no live evidence
	NotePlan              = "plan"                // {total} {installments}
	NotePlanDraft         = "plan_draft"          // suffix: {document}, made from a generated agreement only
	NotePlanUnsigned      = "plan_unsigned"       // suffix: no signed agreement cited
	NoteAgreementDraft    = "agreement_draft"     // a generated agreement no plan was made from
	NoteFiling            = "filing"              // {kind}
	NoteFilingMissing     = "filing_missing"      // {stage}
	NoteGoodsOnly         = "goods_only"          // a communication citing only delivery notes
	NoteNoEvidenceCited   = "no_evidence_cited"   // a communication citing nothing live
	NoteLetterUnserved    = "letter_unserved"     // a letter demand with no proof of service
	NoteCommunication     = "communication"       // {channel} {event}
	NoteServedBy          = "served_by"           // suffix: {evidence}
	NoteServedOn          = "served_on"           // suffix: {served_on} {date}
	NoteLetterUndated     = "letter_undated"      // letter evidence without occurred_at
	NoteLetterServed      = "letter_served"       // {evidence}
	NoteLetterNoProof     = "letter_no_proof"     // letter evidence not said to be served
	NotePaidAfterExpiry   = "paid_after_expiry"   // suffix: {deadline}
	NoteAfterExpiry       = "after_expiry"        // suffix: a creditor's step after expiry
	NoteDebtorAfterExpiry = "debtor_after_expiry" // suffix: a debtor's step after expiry
	NotePlanDemandPending = "plan_demand_pending" // {demand_date} {served_on} {last_day} {days} {due_on}
	NotePlanNoDemand      = "plan_no_demand"      // {defaulted_on} {days}
	NotePlanLastDue       = "plan_last_due"       // suffix: {last_due} {later}
)

// NoteText is the English of each code. A suffix carries its own leading
// punctuation, so the parts of a note simply run together.
var NoteText = map[string]string{
	NoteDue:            "due date: the period runs from the day after (arts. 188, 201)",
	NotePayment:        "payment of {amount}",
	NoteNoEvidence:     " without evidence",
	NotePlan:           "installment plan of {total} in {installments} installments",
	NoteAgreementDraft: "installment agreement generated but not entered as a plan: no proof it was signed",
	NoteFiling:         "{kind} filed",
	NoteFilingMissing:  "case stage is {stage} but no filing is recorded",
	NotePlanDraft: ", made from generated agreement document {document} with no signed copy cited as evidence, " +
		"so not counted (a draft until signed): upload the signed agreement and record an acknowledgment " +
		"communication (interruption acknowledgment) dated the day it was signed, citing it; that counts. Do not " +
		"enter the plan again: plans cannot be edited or removed, and a second one would show this one in default",
	NotePlanLastDue: "; the last installment falls due on {last_due}: where a debt is agreed to be paid in " +
		"installments the period may run from the last installment's due date (SPC Provisions on limitation, " +
		"2020 rev., art. 5), which would give {later}; the deadline shown is the earlier, safe one, counted from " +
		"the agreement; counsel to confirm before relying on the later date",
	NotePlanUnsigned: " without the signed agreement as evidence (evidence_id), so not counted: record an " +
		"acknowledgment communication citing the signed agreement",
	NoteGoodsOnly:       "the communication cites only goods delivery notes, which record the goods, not this contact",
	NoteNoEvidenceCited: "the communication cites no evidence",
	NoteLetterUnserved: "a letter counts only with proof of service: cite the postal or courier record of receipt, the " +
		"signed return receipt or the debtor's message saying it arrived, described at intake as 签收/送达/妥投 " +
		"(served, signed for); a goods delivery note is not one",
	NoteCommunication: "{channel} {event}",
	NoteServedBy:      ", served per evidence {evidence}",
	NoteServedOn:      " on {served_on}; to be safe the period is counted again from the earlier {date}",
	NoteLetterUndated: "letter evidence has no date (occurred_at)",
	NoteLetterServed:  "letter {evidence}, served per its own record",
	NoteLetterNoProof: "letter without proof of service: record a demand (channel letter) citing it and the proof " +
		"of service (签收/送达/妥投 record); a goods delivery note is not one",
	NotePaidAfterExpiry: "; made after the period expired on {deadline}, so not counted: a payment after expiry may " +
		"amount to waiving the limitation defence, for the sum paid or the whole debt (Civil Code art. 192; SPC " +
		"Provisions on limitation, 2020 rev., art. 19) — counsel to assess",
	NoteAfterExpiry:       "; after the period expired, so it does not restart it",
	NoteDebtorAfterExpiry: "; after expiry: counted, since agreeing to perform after expiry bars the defence (art. 192; SPC 2020 art. 19), but only if it shows the debtor agreed to perform: counsel to confirm",
	NotePlanDemandPending: "written demand of {demand_date}, served on {served_on}: unless the missed installments " +
		"are paid by {last_day} ({days} days after service, the period the agreement states, else DOSSIER_DEMAND_DAYS), " +
		"the whole balance falls due on {due_on}",
	NotePlanNoDemand: "in default since {defaulted_on}, but only the installments fallen due are owed: the whole " +
		"balance falls due only after a written demand made on or after that day is served and left unpaid for " +
		"{days} days (the agreement's acceleration clause). Record it as a demand communication: a letter citing proof of " +
		"service, or an email, SMS or WeChat message citing the message",
}

// NoteCodes lists every code the engine can write, sorted.
func NoteCodes() []string {
	out := make([]string, 0, len(NoteText))
	for c := range NoteText {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// RenderNote words parts with texts (code → text with {param} slots); param
// rewrites each value first (nil keeps them). A code texts lacks falls back
// to the English, so a gap shows as English rather than as nothing.
func RenderNote(parts []NotePart, texts map[string]string, param func(code, name, value string) string) string {
	var sb strings.Builder
	for _, p := range parts {
		s, ok := texts[p.Code]
		if !ok {
			s = NoteText[p.Code]
		}
		if len(p.Params) > 0 {
			kv := make([]string, 0, 2*len(p.Params))
			for k, v := range p.Params {
				if param != nil {
					v = param(p.Code, k, v)
				}
				kv = append(kv, "{"+k+"}", v)
			}
			s = strings.NewReplacer(kv...).Replace(s)
		}
		sb.WriteString(s)
	}
	return sb.String()
}

// addNote appends one part to a note and its English to text.
func addNote(parts *[]NotePart, text *string, code string, kv ...string) {
	p := NotePart{Code: code}
	if len(kv) > 0 {
		p.Params = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			p.Params[kv[i]] = kv[i+1]
		}
	}
	*parts = append(*parts, p)
	*text += RenderNote([]NotePart{p}, NoteText, nil)
}

// note appends a part to b's note.
func (b *Basis) note(code string, kv ...string) { addNote(&b.NoteParts, &b.Note, code, kv...) }

// note appends a part to v's note.
func (v *PlanView) note(code string, kv ...string) { addNote(&v.NoteParts, &v.Note, code, kv...) }
