package document

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
)

// Store is what the document service needs of the metadata store.
type Store interface {
	dossier.DocumentStore
	Case(ctx context.Context, id string) (*dossier.Case, error)
	ListEvidence(ctx context.Context, f dossier.EvidenceFilter) ([]*dossier.Evidence, int, string, error)
	// Payments lists a case's ledger (dossier.RecoveryStore): documents
	// state what is still owed after it.
	Payments(ctx context.Context, caseID string) ([]*dossier.Payment, error)
}

// Service generates court documents from case data and keeps them like
// evidence: the PDF is a content-addressed blob, the record holds its sha256
// and every value it was filled with.
type Service struct {
	Engine *Engine
	Store  Store
	Blobs  blob.Store
	Now    func() time.Time
	// Location is the business time zone (DOSSIER_TZ) whose calendar day is
	// "today" for documents and readiness; nil means China (UTC+8).
	Location *time.Location
	// DemandDays is DOSSIER_DEMAND_DAYS, wired as the recovery service's:
	// the installment agreement's acceleration clause states it, so that
	// the debtor signs the period after which a plan made from it is rated
	// accelerated (recovery.PlanRules).
	DemandDays int
}

// Request asks for one document.
type Request struct {
	Template string            `json:"template"`
	Lang     string            `json:"lang"`
	Fields   map[string]string `json:"fields"`
}

// Generate renders, stores and records a document. The creation time is
// truncated to the second and stored, so rendering the record's fields at
// that time again gives the same bytes and the same hash.
func (s *Service) Generate(ctx context.Context, a *dossier.Actor, caseID string, req Request) (*dossier.Document, error) {
	dossier.Note(ctx, caseID, "document", "")
	if err := policy.Can(a, policy.DocumentCreate, caseID); err != nil {
		return nil, err
	}
	var f dossier.Fields
	if req.Template == "" {
		f.Add("template", "is required")
	}
	if req.Lang == "" {
		req.Lang = "zh-CN"
	}
	if req.Lang != "zh-CN" && req.Lang != "en" {
		f.Add("lang", "must be zh-CN or en")
	}
	if req.Template != "" && f.Err() == nil {
		if t, err := s.Engine.Template(req.Template, req.Lang); err != nil {
			f.Add("template", "no template %q in %s", req.Template, req.Lang)
		} else {
			s.checkDemandDays(t, req.Fields, &f)
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	c, err := s.Store.Case(ctx, caseID)
	if err != nil {
		return nil, err
	}
	ev, err := s.allEvidence(ctx, caseID)
	if err != nil {
		return nil, err
	}
	paid, err := s.Store.Payments(ctx, caseID)
	if err != nil {
		return nil, err
	}
	now := s.Now().Truncate(time.Second)
	c.Compute(documentDate(now, s.Location))
	res, err := s.Engine.Render(req.Template, req.Lang, Input{Case: c, Evidence: ev, Payments: paid, Fields: req.Fields,
		Now: now, Location: s.Location, DemandDays: s.DemandDays})
	if err != nil {
		return nil, err
	}
	ref, err := s.Blobs.Put(ctx, bytes.NewReader(res.PDF), "")
	if err != nil {
		return nil, storeErr("could not store the document", err)
	}
	d := &dossier.Document{ID: dossier.NewID(), CaseID: caseID, Template: req.Template, Lang: req.Lang,
		SHA256: ref.SHA256, Size: ref.Size, Pages: res.Pages, Fields: res.Fields, CreatedBy: a.UserID(), CreatedAt: now}
	if err := s.Store.CreateDocument(ctx, d); err != nil {
		return nil, err
	}
	dossier.NoteFrom(ctx).ObjectID = d.ID
	dossier.NoteFrom(ctx).Detail = req.Template + "." + req.Lang + " sha256=" + d.SHA256
	return d, nil
}

// checkDemandDays refuses a demand period the request gives that differs
// from s.DemandDays: recovery accelerates a plan made from the agreement
// after s.DemandDays, so an agreement stating another period would have it
// fall due earlier, or later, than the debtor signed. (Engine.Render takes
// the value given, so a document's record re-renders after the setting
// changed.) A value that is not a number is left to the field's own check.
func (s *Service) checkDemandDays(t *Template, fields map[string]string, f *dossier.Fields) {
	for _, fd := range t.Fields {
		v := strings.TrimSpace(fields[fd.Name])
		if fd.Source != demandDaysSource || v == "" {
			continue
		}
		if n, err := strconv.Atoi(v); err == nil && n != s.DemandDays {
			f.Add(fd.Name, "must be %d, the days after a served written demand by which Dossier accelerates an installment plan (DOSSIER_DEMAND_DAYS); leave it out to take it",
				s.DemandDays)
		}
	}
}

// allEvidence lists every live item of a case, page by page: the evidence
// list of a filing names all of them, not the first page.
func (s *Service) allEvidence(ctx context.Context, caseID string) ([]*dossier.Evidence, error) {
	var all []*dossier.Evidence
	cursor := ""
	for {
		ev, _, next, err := s.Store.ListEvidence(ctx, dossier.EvidenceFilter{CaseID: caseID,
			Page: dossier.Page{Limit: 500, Cursor: cursor}})
		if err != nil {
			return nil, err
		}
		all = append(all, ev...)
		if next == "" {
			return all, nil
		}
		cursor = next
	}
}

// Prefill returns the values a template's fields take for a visible case
// when a request leaves them empty, the amounts as still owed after the
// payments ledger: what Generate would use, for a form to show.
func (s *Service) Prefill(ctx context.Context, a *dossier.Actor, caseID, template, lang string) (map[string]string, error) {
	c, err := s.readableCase(ctx, a, caseID)
	if err != nil {
		return nil, err
	}
	paid, err := s.Store.Payments(ctx, caseID)
	if err != nil {
		return nil, err
	}
	return s.Engine.prefill(template, lang, Input{Case: c, Payments: paid, Now: s.Now(), Location: s.Location,
		DemandDays: s.DemandDays})
}

// List returns a visible case's documents.
func (s *Service) List(ctx context.Context, a *dossier.Actor, caseID string) ([]*dossier.Document, error) {
	dossier.Note(ctx, caseID, "case", caseID)
	if err := policy.Can(a, policy.DocumentRead, caseID); err != nil {
		return nil, err
	}
	if _, err := s.Store.Case(ctx, caseID); err != nil {
		return nil, err
	}
	return s.Store.Documents(ctx, caseID)
}

// Get returns a document the actor may see. A document of a case the actor
// may not see is ENOTFOUND "document not found", exactly like an absent ID,
// and an anonymous caller is refused before the ID is looked up, so neither
// answer tells that the document exists.
func (s *Service) Get(ctx context.Context, a *dossier.Actor, id string) (*dossier.Document, error) {
	dossier.Note(ctx, "", "document", id)
	if a == nil || a.User == nil || a.User.Disabled {
		return nil, dossier.Errorf(dossier.EUNAUTHENTICATED, "authentication required")
	}
	d, err := s.Store.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	dossier.Note(ctx, d.CaseID, "document", d.ID)
	if err := policy.Can(a, policy.DocumentRead, d.CaseID); err != nil {
		if dossier.ErrorCode(err) == dossier.ENOTFOUND {
			return nil, dossier.NotFound("document")
		}
		return nil, err
	}
	return d, nil
}

// Open returns the document and its PDF bytes.
func (s *Service) Open(ctx context.Context, a *dossier.Actor, id string) (*dossier.Document, io.ReadCloser, error) {
	d, err := s.Get(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	rc, err := s.Blobs.Open(ctx, d.SHA256, 0, -1)
	if err != nil {
		return nil, nil, storeErr("could not read the document", err)
	}
	// A store may only fetch the bytes at the first read (S3 does): read
	// ahead now, so that a store failing to deliver them is an error here,
	// before the caller answers 200, not a PDF broken off.
	br := bufio.NewReaderSize(rc, 32<<10)
	if _, err := br.Peek(1); err != nil && err != io.EOF {
		rc.Close()
		return nil, nil, storeErr("could not read the document", err)
	}
	return d, struct {
		io.Reader
		io.Closer
	}{br, rc}, nil
}

// storeErr is a failed blob store operation: the store down is
// EUNAVAILABLE (503, try again later); anything else stays internal.
func storeErr(msg string, err error) error {
	if blob.Unavailable(err) {
		return &dossier.Error{Code: dossier.EUNAVAILABLE, Message: msg + ": the blob store is unavailable; try again later", Err: err}
	}
	return err
}

// ReadinessReport answers GET /cases/{id}/readiness.
type ReadinessReport struct {
	For     string    `json:"for"`
	Ready   bool      `json:"ready"`
	Have    []string  `json:"have"`
	Missing []Missing `json:"missing"`
}

// readableCase loads a case whose documents a may read, noting it for the
// audit trail first.
func (s *Service) readableCase(ctx context.Context, a *dossier.Actor, caseID string) (*dossier.Case, error) {
	dossier.Note(ctx, caseID, "case", caseID)
	if err := policy.Can(a, policy.DocumentRead, caseID); err != nil {
		return nil, err
	}
	return s.Store.Case(ctx, caseID)
}

// Readiness lists the supporting evidence a filing needs that the case has
// and lacks.
func (s *Service) Readiness(ctx context.Context, a *dossier.Actor, caseID, forDoc string) (*ReadinessReport, error) {
	c, err := s.readableCase(ctx, a, caseID)
	if err != nil {
		return nil, err
	}
	if forDoc == "" {
		forDoc = "payment_order_application"
	}
	ev, err := s.allEvidence(ctx, caseID)
	if err != nil {
		return nil, err
	}
	var kinds []dossier.EvidenceKind
	for _, e := range ev {
		kinds = append(kinds, e.Kind)
	}
	ready, have, missing, err := Readiness(forDoc, kinds)
	if dossier.ErrorCode(err) == dossier.ENOTFOUND {
		return nil, &dossier.Error{Code: dossier.EINVALID, Message: "invalid fields",
			Fields: []dossier.FieldError{{Field: "for", Message: "must be payment_order_application, lawyer_letter or installment_agreement"}}}
	} else if err != nil {
		return nil, err
	}
	paid, err := s.Store.Payments(ctx, caseID)
	if err != nil {
		return nil, err
	}
	// The case itself must meet the filing's conditions too (for a payment
	// order: debt due, an amount still owed, debtor servable, contractual
	// interest).
	for _, m := range Conditions(forDoc, c, paid, documentDate(s.Now(), s.Location)) {
		missing = append(missing, m)
		if m.Required {
			ready = false
		}
	}
	return &ReadinessReport{For: forDoc, Ready: ready, Have: have, Missing: missing}, nil
}
