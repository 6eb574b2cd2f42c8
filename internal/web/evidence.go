package web

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/evidence"
	"github.com/dossier/dossier/internal/policy"
)

// evidenceSection is the evidence table and upload zone of a case page.
type evidenceSection struct {
	Items     []*dossier.Evidence
	Total     int
	Kinds     []dossier.EvidenceKind
	CanUpload bool
	MaxUpload int64
	// TZ names the business time zone (DOSSIER_TZ) the upload form's
	// occurred_at is entered in, for the script that sends it as RFC 3339;
	// TZOffset is that zone's offset now in minutes, used when the browser
	// does not know the name.
	TZ       string
	TZOffset int
	TZLabel  string // the zone as the form's hint names it
	Beijing  bool   // a zone of mainland China: the hint says 北京时间
}

// beijingZones are the tz database names of China Standard Time: a Chinese
// reader knows it as 北京时间, not by any of these.
var beijingZones = map[string]bool{"Asia/Shanghai": true, "Asia/Chongqing": true, "Asia/Chungking": true,
	"Asia/Harbin": true, "PRC": true}

// evidenceFor lists a case's evidence, or nil when the vault is not wired.
func (f *Front) evidenceFor(c echo.Context, a *dossier.Actor, caseID string) (*evidenceSection, error) {
	if f.cfg.Evidence == nil {
		return nil, nil
	}
	items, total, _, err := f.cfg.Evidence.List(c.Request().Context(), a,
		dossier.EvidenceFilter{CaseID: caseID, Page: dossier.Page{Limit: 500}})
	if err != nil {
		return nil, err
	}
	loc := f.location()
	tz := loc.String()
	if tz == "Local" {
		tz = "" // not a name a browser knows: the offset stands in
	}
	now := time.Now().In(loc)
	_, off := now.Zone()
	label := tz
	if label == "" {
		label = "UTC" + now.Format("-07:00")
	}
	return &evidenceSection{Items: items, Total: total, Kinds: dossier.EvidenceKinds,
		CanUpload: policy.Can(a, policy.EvidenceWrite, caseID) == nil, MaxUpload: f.cfg.Evidence.MaxBody(),
		TZ: tz, TZOffset: off / 60, TZLabel: label, Beijing: beijingZones[tz]}, nil
}

type evidenceData struct {
	Item      *dossier.Evidence
	Case      *dossier.Case
	Versions  []*dossier.EvidenceVersion
	Preview   string // pdf, image, audio, text or ""
	CanHold   bool
	CanWrite  bool // a new version
	Check     *evidence.Check
	CheckDone bool
}

func (f *Front) evidenceShow(c echo.Context) error {
	return f.evidenceShowWith(c, nil)
}

func (f *Front) evidenceShowWith(c echo.Context, check *evidence.Check) error {
	return f.evidenceShowForm(c, http.StatusOK, check, nil)
}

// evidenceShowForm renders the evidence page with status; formErr, if any,
// marks the hold form's fields.
func (f *Front) evidenceShowForm(c echo.Context, status int, check *evidence.Check, formErr error) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	e, err := f.cfg.Evidence.Get(ctx, a, c.Param("eid"))
	if err != nil {
		return err
	}
	d := &evidenceData{Item: e, Preview: previewKind(e.MediaType), CanHold: policy.Can(a, policy.EvidenceHold, e.CaseID) == nil,
		CanWrite: policy.Can(a, policy.EvidenceWrite, e.CaseID) == nil,
		Check:    check, CheckDone: check != nil}
	if d.Versions, err = f.cfg.Evidence.Versions(ctx, a, e.ID); err != nil {
		return err
	}
	if d.Case, err = f.cfg.Cases.Get(ctx, a, e.CaseID); err != nil {
		return err
	}
	dossier.Note(ctx, e.CaseID, "evidence", e.ID)
	v := f.newView(c, "evidence.title", d)
	v.Title = e.Title
	if formErr != nil {
		fieldErrors(v, formErr)
	}
	return f.render(c, status, "evidence", v)
}

// previewKind decides how a media type is shown inline. SVG and HTML never
// are: they could carry script.
func previewKind(mt string) string {
	mt, _, _ = mime.ParseMediaType(mt)
	switch {
	case mt == "application/pdf":
		return "pdf"
	case mt == "image/png", mt == "image/jpeg", mt == "image/gif", mt == "image/webp":
		return "image"
	case strings.HasPrefix(mt, "audio/"):
		return "audio"
	case mt == "text/plain":
		return "text"
	}
	return ""
}

// evidenceRaw serves one version's bytes for the inline preview (PDF frame,
// img, audio element) with Range support. Types that are not previewed go
// out as attachments, and nothing served here may run script.
func (f *Front) evidenceRaw(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	n, err := evidence.ParseVersion(c.QueryParam("v"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	ct, err := f.cfg.Evidence.Content(ctx, a, c.Param("eid"), n)
	if err != nil {
		return err
	}
	ver := ct.Version
	h := c.Response().Header()
	page := h.Clone() // the headers an error page goes out with
	h.Set("Content-Type", ver.MediaType)
	h.Set("ETag", `"`+ver.SHA256+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	disp := "attachment"
	if previewKind(ver.MediaType) != "" {
		disp = "inline"
	}
	h.Set("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": ver.Filename}))
	if previewKind(ver.MediaType) == "pdf" {
		// Chromium's PDF viewer does not run under a sandbox or
		// object-src 'none' policy; a PDF is not script for the page.
		h.Del("Content-Security-Policy")
	} else {
		h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; media-src 'self'")
	}
	cs := &contentSeeker{ctx: ctx, c: ct, size: ver.Size}
	// A range, or a client gone midway, leaves the stored bytes unread to
	// their end: their reader (a file, an S3 connection, a hashing
	// goroutine) is closed here, not only at the end of the bytes.
	defer cs.Close()
	w := &openFirst{ResponseWriter: c.Response(), open: cs.open, head: c.Request().Method == http.MethodHead}
	http.ServeContent(w, c.Request(), "", ver.CreatedAt, cs)
	if w.err != nil {
		// Nothing went out: the error page (503 for a store refusing to
		// send the bytes) replaces the download, without its headers.
		for k := range h {
			delete(h, k)
		}
		for k, v := range page {
			h[k] = v
		}
		return w.err
	}
	// ServeContent drops what stopped the bytes (damaged, missing, the
	// store failing): returned after the 200, it is audited as a broken
	// download and the connection is dropped, as the API does. A browser
	// that closed the preview is no such failure.
	if err := cs.failed(); err != nil && ctx.Err() == nil {
		return err
	}
	return nil
}

// openFirst opens the stored bytes when http.ServeContent is about to send
// 200 or 206, before the status goes out: the blob store may refuse them
// (S3 answering the HEAD but not the GET) and that must be an error page,
// not a 200 whose body breaks off. A refusal keeps the status and body
// from being written and is left in err for the handler.
type openFirst struct {
	http.ResponseWriter
	open func() error
	head bool // HEAD sends no bytes: nothing to open
	err  error
}

func (w *openFirst) WriteHeader(code int) {
	if (code == http.StatusOK || code == http.StatusPartialContent) && !w.head && w.err == nil {
		w.err = w.open()
	}
	if w.err != nil {
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *openFirst) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	return w.ResponseWriter.Write(p)
}

// contentSeeker adapts evidence.Content to io.ReadSeeker for
// http.ServeContent: a seek only moves the offset; the blob is opened by
// open (before the status goes out) or at the first read after it.
type contentSeeker struct {
	ctx  context.Context
	c    *evidence.Content
	size int64
	// rmu guards off, rc and closed: open runs on the handler's
	// goroutine, the reads of several ranges on one of ServeContent's,
	// which may still run when ServeContent has returned.
	rmu    sync.Mutex
	off    int64
	rc     io.ReadCloser
	closed bool // by Close: nothing is opened again
	// mu guards err, the first failure reading the stored bytes: for
	// several ranges ServeContent reads on a goroutine of its own.
	mu  sync.Mutex
	err error
}

func (s *contentSeeker) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = err
	}
}

func (s *contentSeeker) failed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// open opens the stored bytes from the current offset, so that a store
// refusing them is an error before anything is sent.
func (s *contentSeeker) open() error {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	return s.openLocked()
}

func (s *contentSeeker) openLocked() error {
	if s.closed {
		return errSeekerClosed
	}
	if s.rc != nil || s.off >= s.size {
		return nil
	}
	rc, err := s.c.Open(s.ctx, s.off, -1)
	if err != nil {
		s.fail(err)
		return err
	}
	s.rc = rc
	return nil
}

// errSeekerClosed ends a read of several ranges that outlived its handler.
var errSeekerClosed = errors.New("web: content read after the request ended")

// Close closes the stored bytes' reader, if one is open, and keeps any
// later read (of a multi-range reply's goroutine) from opening another.
func (s *contentSeeker) Close() {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	s.closed = true
	if s.rc != nil {
		s.rc.Close()
		s.rc = nil
	}
}

func (s *contentSeeker) Seek(off int64, whence int) (int64, error) {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		off += s.off
	case io.SeekEnd:
		off += s.size
	}
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if s.rc != nil && off != s.off {
		s.rc.Close()
		s.rc = nil
	}
	s.off = off
	return off, nil
}

func (s *contentSeeker) Read(p []byte) (int, error) {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	if s.off >= s.size {
		return 0, io.EOF
	}
	if err := s.openLocked(); err != nil {
		return 0, err
	}
	n, err := s.rc.Read(p)
	s.off += int64(n)
	if err == io.EOF {
		s.rc.Close()
		s.rc = nil
		if s.off < s.size {
			err = io.ErrUnexpectedEOF
		}
	}
	if err != nil && err != io.EOF {
		s.fail(err)
	}
	return n, err
}

func (f *Front) evidenceHold(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	hold := c.FormValue("hold") == "true"
	e, err := f.cfg.Evidence.Hold(c.Request().Context(), a, c.Param("eid"), &hold, c.FormValue("reason"))
	if dossier.ErrorCode(err) == dossier.EINVALID {
		return f.evidenceShowForm(c, statusOf(err), nil, err)
	} else if err != nil {
		return err
	}
	return f.redirect(c, "/evidence/"+e.ID+"?ok=hold")
}

// evidenceVerify re-reads the stored bytes and shows the result on the
// evidence page.
func (f *Front) evidenceVerify(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	chk, err := f.cfg.Evidence.Verify(c.Request().Context(), a, c.Param("eid"))
	if err != nil {
		return err
	}
	return f.evidenceShowWith(c, chk)
}
