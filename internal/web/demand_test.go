package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/recovery"
	"github.com/dossier/dossier/internal/web"
)

// uploadWith posts one file to the evidence API as the page's script does:
// the upload form's text fields first, in the order given, then the file.
func (b *client) uploadWith(caseID, csrf string, fields [][2]string, name string, data []byte) *response {
	b.t.Helper()
	req := b.uploadRequest(caseID, fields, name, data)
	req.Header.Set(web.CSRFHeader, csrf)
	return b.do(req)
}

// uploadRequest is the evidence API request uploadWith sends, without the
// CSRF header.
func (b *client) uploadRequest(caseID string, fields [][2]string, name string, data []byte) *http.Request {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		_ = mw.WriteField(f[0], f[1])
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+"/api/v1/cases/"+caseID+"/evidence", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

// demandBasis is the limitation basis row of communication id, or nil.
func demandBasis(t *testing.T, e *env, caseID, commID string) *recovery.Basis {
	t.Helper()
	lim, err := e.rec.Limitation(context.Background(), e.admin, caseID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range lim.Basis {
		if lim.Basis[i].CommunicationID == commID {
			return &lim.Basis[i]
		}
	}
	return nil
}

// commItem is the timeline entry of communication id on a case page.
func commItem(t *testing.T, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<li id="comm-` + id + `">.*?</li>`).FindString(page)
	if m == "" {
		t.Fatalf("no timeline entry for communication %s", id)
	}
	return m
}

// A demand letter proven served, entirely through the pages: the courier's
// receipt is uploaded with its date, source and a description saying it was
// signed for; the letter is recorded citing it; the limitation basis counts
// the demand, and the timeline shows the receipt and that service is
// proven. Before, neither form could carry what the recovery engine needs.
func TestWebDemandServed(t *testing.T) {
	e := newEnv(t, false)
	c := e.caseDue("2026-HZ-0700", "催告送达", time.Now().AddDate(-1, 0, 0))
	e.user("counsel-d", dossier.RoleCounsel)
	b := e.client()
	b.login("counsel-d")
	page := b.get("/cases/" + c.ID)
	tok := csrfRE.FindStringSubmatch(page.Body)[1]
	// The upload form offers the fields the API takes beside the file; the
	// script reads them by these IDs and sends them under these names, no
	// longer than Evidence.Validate allows (source 300, description 10,000
	// characters), so the browser stops what the API would refuse.
	mustContain(t, "upload form", page.Body,
		`id="up-occurred-at" name="occurred_at" type="datetime-local"`, `id="up-source" name="source" type="text" maxlength="300"`,
		`id="up-description" name="description" rows="2" maxlength="10000"`, `id="up-transcript" name="transcript"`, `data-tz="UTC"`,
		"已签收")

	signed := time.Now().Add(-30 * time.Hour).UTC().Truncate(time.Minute)
	res := b.uploadWith(c.ID, tok, [][2]string{{"kind", "other"}, {"title", "EMS 签收记录"},
		{"occurred_at", signed.Format(time.RFC3339)}, {"source", "中国邮政 EMS 官网查询"},
		{"description", "催告函 EMS1234567890CN，债务人已签收"}}, "ems.png", []byte("\x89PNG\r\n\x1a\nems-receipt"))
	if res.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", res.Status, res.Body)
	}
	var receipt dossier.Evidence
	if err := json.Unmarshal([]byte(res.Body), &receipt); err != nil {
		t.Fatal(err)
	}
	stored, err := e.store.Evidence(context.Background(), receipt.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.OccurredAt == nil || !stored.OccurredAt.Equal(signed) || stored.Source != "中国邮政 EMS 官网查询" ||
		!strings.Contains(stored.Description, "已签收") {
		t.Fatalf("receipt stored as %+v", stored)
	}
	// A letter nobody proved served, to cite in the refused and unproven cases.
	letter := uploaded(t, b, c.ID, "催告函.txt", "letter", []byte("催告函正文"))

	page = b.get("/cases/" + c.ID)
	mustContain(t, "communication form", page.Body, `name="evidence_ids" value="`+receipt.ID+`"`,
		`name="evidence_ids" value="`+letter+`"`, "引用送达回执", "引用该条消息本身")
	// Sent two days ago, signed for the next day: the demand is dated on
	// the earlier of the two.
	sent := time.Now().Add(-48 * time.Hour).UTC()
	when := sent.Format("2006-01-02T15:04")

	t.Run("ErrUnknownEvidence", func(t *testing.T) {
		p := b.post("/cases/"+c.ID+"/communications", url.Values{"csrf": {tok}, "occurred_at": {when},
			"channel": {"letter"}, "summary": {"书面催告"}, "interruption": {"demand"},
			"evidence_ids": {receipt.ID, "no-such-item"}})
		if p.Status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", p.Status)
		}
		// The error is by the citation list, which keeps what was ticked.
		mustContain(t, "refused form", p.Body, `id="f-evidence-ids-err"`, "no-such-item",
			`id="f-cite-`+receipt.ID+`" name="evidence_ids" value="`+receipt.ID+`" checked`)
	})

	t.Run("ErrNotServed", func(t *testing.T) {
		p := b.post("/cases/"+c.ID+"/communications", url.Values{"csrf": {tok}, "occurred_at": {when},
			"channel": {"letter"}, "summary": {"催告函已寄出"}, "interruption": {"demand"}, "evidence_ids": {letter}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("communication: %d %s", p.Status, p.Body)
		}
		m := lastComm(t, e, c.ID)
		if b := demandBasis(t, e, c.ID, m.ID); b == nil || b.Proven || b.Counted {
			t.Fatalf("an unserved letter in the basis as %+v", b)
		}
		li := commItem(t, b.get("/cases/"+c.ID).Body, m.ID)
		mustContain(t, "unserved letter", li, `href="/evidence/`+letter+`"`, "未证明送达", "以函件催告的，须有送达证明方可计入")
		if strings.Contains(li, "counts only with proof of service") {
			t.Fatal("the Chinese page shows the English note")
		}
	})

	t.Run("ErrVisitCitingOnlyTheLetter", func(t *testing.T) {
		// Recovery treats a demand citing nothing but letters as a letter,
		// whatever its channel: the page says service is what is missing.
		p := b.post("/cases/"+c.ID+"/communications", url.Values{"csrf": {tok}, "occurred_at": {when},
			"channel": {"visit"}, "summary": {"上门递交催告函"}, "interruption": {"demand"}, "evidence_ids": {letter}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("communication: %d %s", p.Status, p.Body)
		}
		m := lastComm(t, e, c.ID)
		if b := demandBasis(t, e, c.ID, m.ID); b == nil || b.Proven || !b.Letter() {
			t.Fatalf("a visit citing only the letter in the basis as %+v", b)
		}
		li := commItem(t, b.get("/cases/"+c.ID).Body, m.ID)
		mustContain(t, "visit citing the letter", li, "未证明送达")
	})

	p := b.post("/cases/"+c.ID+"/communications", url.Values{"csrf": {tok}, "occurred_at": {when},
		"channel": {"letter"}, "summary": {"寄送催告函"}, "interruption": {"demand"}, "evidence_ids": {letter, receipt.ID}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("communication: %d %s", p.Status, p.Body)
	}
	m := lastComm(t, e, c.ID)
	if len(m.EvidenceIDs) != 2 || m.EvidenceIDs[0] != letter || m.EvidenceIDs[1] != receipt.ID {
		t.Fatalf("cites %v, want the letter and the receipt in that order", m.EvidenceIDs)
	}
	basis := demandBasis(t, e, c.ID, m.ID)
	if basis == nil || !basis.Proven || !basis.Counted || basis.EvidenceID != receipt.ID {
		t.Fatalf("the served letter in the basis as %+v", basis)
	}
	page = b.get("/cases/" + c.ID)
	li := commItem(t, page.Body, m.ID)
	mustContain(t, "served letter", li, `href="/evidence/`+letter+`"`, `href="/evidence/`+receipt.ID+`"`, "EMS 签收记录",
		"已证明送达", "计入诉讼时效中断")
	row := regexp.MustCompile(`<tr id="basis-comm-` + m.ID + `"[^>]*>`).FindString(page.Body)
	if row == "" || strings.Contains(row, "muted") {
		t.Fatalf("basis row of the served letter: %q", row)
	}
	if want := recovery.AddYears(dossier.DateOf(sent), recovery.LimitationYears).String(); !strings.Contains(page.Body, `id="limitation">`+want) {
		t.Fatalf("deadline shown is not three years from the day the letter was sent (%s)", want)
	}

	t.Run("English", func(t *testing.T) {
		if r := b.post("/lang", url.Values{"csrf": {tok}, "lang": {"en"}, "back": {"/"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("language switch: %d", r.Status)
		}
		en := b.get("/cases/" + c.ID)
		mustContain(t, "English page", en.Body, "cite the proof of service", "cite the message itself", "Service proven")
	})
}

// lastComm is the case's newest communication.
func lastComm(t *testing.T, e *env, caseID string) *dossier.Communication {
	t.Helper()
	ms, err := e.cases.Communications(context.Background(), e.admin, caseID)
	if err != nil || len(ms) == 0 {
		t.Fatalf("communications: %v %v", ms, err)
	}
	return ms[len(ms)-1]
}
