package recovery

import (
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// serviceKinds are the evidence kinds that can show a letter reached the
// debtor: the signed copy or return receipt (letter, photo), a postal or
// courier record of receipt (other), or the debtor's own email or chat
// message saying it arrived. A goods delivery note (delivery, 送货/验收单)
// proves the creditor performed, never that a letter was served.
var serviceKinds = map[dossier.EvidenceKind]bool{"letter": true, "other": true, "email": true, "chat": true, "photo": true}

// writtenChannels are the channels of a demand in writing (Civil Code art.
// 469: letters and data messages such as email, SMS and WeChat). A letter
// counts only once served (see provesService).
var writtenChannels = map[dossier.Channel]bool{"letter": true, "email": true, "sms": true, "wechat": true}

var (
	// servedRE finds a statement that a letter was served in an evidence
	// item's title or description. 收到 and "received" alone also describe
	// money (收到货款 on a bank slip), so they count only said of a letter
	// or message (已收到律师函, 收到催款函, received the letter).
	servedRE = regexp.MustCompile(`送达|签收|妥投|收悉|收到[^，。；,;\n]{0,10}?(?:函|信件|来信|邮件)|` +
		`(?i:\b(?:served|signed for)\b|\breceived\s+(?:\S+\s+){0,2}?(?:letter|notice|demand|e-?mail)|` +
		`\b(?:letter|notice|demand|e-?mail)\s+(?:\S+\s+){0,2}?received\b)`)
	// notService is wording that contains 送达 without saying anything was
	// served: a 送达地址确认书 (address-for-service confirmation) only names
	// where documents may be served. It is removed before servedRE looks.
	notService = strings.NewReplacer("送达地址", "")
	// unservedRE finds a statement that it was not: any such word makes the
	// item no proof, so a record of a returned letter never counts.
	unservedRE = regexp.MustCompile(`未送达|未能送达|无法送达|不能送达|送达失败|未签收|拒收|拒签|拒绝签收|退回|退件|退信|` +
		`未妥投|未收到|没收到|没有收到|查无此人|(?i:\b(?:not served|unserved|not received|not signed|undelivered|not delivered|returned|refused|rejected)\b)`)
)

// provesService reports whether e is proof that a letter was served: a live
// item of a service kind whose title or description says it was served
// (送达, 签收, 妥投, 收到…函; served, signed for, received the letter) and
// nowhere says it was not. Dossier cannot read a scanned receipt, so the
// words the user gave the item at intake are what it goes by; when in doubt
// it is no proof, because counting an unserved letter shows a deadline later
// than the real one.
func provesService(e *dossier.Evidence) bool {
	if e == nil || e.DeletedAt != nil || !serviceKinds[e.Kind] {
		return false
	}
	text := e.Title + "\n" + e.Description
	return servedRE.MatchString(notService.Replace(text)) && !unservedRE.MatchString(text)
}

// communicationEvents turns the communications that interrupt the period into
// demand and acknowledgment events, and returns the evidence IDs they cite.
// A communication is proven when it cites live evidence other than goods
// paperwork. A demand by letter (channel "letter", or one citing nothing but
// letters) needs proof of service among what it cites (provesService), and
// is dated on the day of the communication or, when earlier, the day on that
// proof: the earlier day can only shorten the period shown. Its ServedOn is
// the later of the two: a written notice takes effect when it arrives (Civil
// Code art. 137), and acceleration counted from a later day can only come
// later. Any other proven demand is served on its own day.
func communicationEvents(comms []*dossier.Communication, live map[string]*dossier.Evidence, loc *time.Location) ([]Basis, map[string]bool) {
	var events []Basis
	cited := map[string]bool{}
	for _, m := range comms {
		ev := m.Interruption
		if ev == "" && (m.PromiseAmount != nil || m.PromiseDate != nil) {
			ev = EventAcknowledgment
		}
		if ev != EventDemand && ev != EventAcknowledgment {
			continue
		}
		b := Basis{Event: ev, Date: dossier.DateOf(m.OccurredAt.In(loc)), CommunicationID: m.ID}
		var proof *dossier.Evidence
		goods, lettersOnly := false, true
		for _, id := range m.EvidenceIDs {
			cited[id] = true
			e := live[id]
			switch {
			case e == nil:
				continue
			case e.Kind == "delivery":
				goods = true
				continue
			}
			if b.EvidenceID == "" {
				b.EvidenceID = id
			}
			lettersOnly = lettersOnly && e.Kind == "letter"
			if proof == nil && provesService(e) {
				proof = e
			}
		}
		letter := ev == EventDemand && (m.Channel == "letter" || (b.EvidenceID != "" && lettersOnly))
		b.letter = letter
		switch {
		case b.EvidenceID == "" && goods:
			b.note(NoteGoodsOnly)
		case b.EvidenceID == "":
			b.note(NoteNoEvidenceCited)
		case letter && proof == nil:
			b.note(NoteLetterUnserved)
		default:
			b.Proven = true
			b.note(NoteCommunication, "channel", string(m.Channel), "event", ev)
			if ev == EventDemand {
				b.ServedOn = b.Date
			}
			if proof != nil {
				b.EvidenceID = proof.ID
				b.note(NoteServedBy, "evidence", proof.ID)
				if proof.OccurredAt != nil {
					on := dossier.DateOf(proof.OccurredAt.In(loc))
					if on.Before(b.Date.Time) {
						b.Date = on
					}
					if letter && on.After(b.ServedOn.Time) {
						b.ServedOn = on
					}
				}
				if letter && !b.ServedOn.Equal(b.Date.Time) {
					b.note(NoteServedOn, "served_on", b.ServedOn.String(), "date", b.Date.String())
				}
			}
			b.written = ev == EventDemand && (letter || writtenChannels[m.Channel])
		}
		events = append(events, b)
	}
	return events, cited
}

// letters turns letter evidence not cited by a communication into demand
// events: proven only when the item's own record says it was served, dated
// on the item's date. A letter's service is never inferred from another
// item's date.
func letters(evs []*dossier.Evidence, cited map[string]bool, loc *time.Location) []Basis {
	var out []Basis
	for _, e := range evs {
		if e.Kind != "letter" || cited[e.ID] || e.DeletedAt != nil {
			continue
		}
		b := Basis{Event: EventDemand, EvidenceID: e.ID}
		switch {
		case e.OccurredAt == nil:
			b.Date, b.letter = dossier.DateOf(e.CreatedAt.In(loc)), true
			b.note(NoteLetterUndated)
		case provesService(e):
			b.Date, b.Proven, b.written, b.letter = dossier.DateOf(e.OccurredAt.In(loc)), true, true, true
			b.ServedOn = b.Date
			b.note(NoteLetterServed, "evidence", e.ID)
		default:
			b.Date, b.letter = dossier.DateOf(e.OccurredAt.In(loc)), true
			b.note(NoteLetterNoProof)
		}
		out = append(out, b)
	}
	return out
}

// writtenDemands lists the proven written demands of r in the order they
// reached the debtor (ServedOn): what can accelerate a defaulted installment
// plan.
func writtenDemands(r *dossier.CaseRecords, loc *time.Location) []Basis {
	events, cited := communicationEvents(r.Communications, liveEvidenceOf(r), loc)
	events = append(events, letters(r.Evidence, cited, loc)...)
	var out []Basis
	for _, b := range events {
		if b.Event == EventDemand && b.Proven && b.written {
			out = append(out, b)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ServedOn.Before(out[j].ServedOn.Time) })
	return out
}

// liveEvidenceOf indexes r's evidence not deleted by ID.
func liveEvidenceOf(r *dossier.CaseRecords) map[string]*dossier.Evidence {
	live := make(map[string]*dossier.Evidence, len(r.Evidence))
	for _, e := range r.Evidence {
		if e.DeletedAt == nil {
			live[e.ID] = e
		}
	}
	return live
}
