package web

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
)

// pickRow is one candidate exhibit in the bundle builder: an evidence item
// or a generated document, referred to as "e:<id>" or "d:<id>".
type pickRow struct {
	Ref, Title, Kind, Detail string
	Order                    int
	Picked                   bool
	Purpose, Err             string
}

type bundlesData struct {
	Case      *dossier.Case
	Bundles   []*dossier.Bundle
	Rows      []pickRow
	Title     string
	CanCreate bool
}

func (f *Front) bundlesPage(c echo.Context) error {
	return f.bundlesWith(c, http.StatusOK, nil, nil)
}

func (f *Front) bundlesWith(c echo.Context, status int, formErr error, form url.Values) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	id := c.Param("case_id")
	cs, err := f.cfg.Cases.Get(ctx, a, id)
	if err != nil {
		return err
	}
	d := &bundlesData{Case: cs, CanCreate: policy.Can(a, policy.BundleCreate, id) == nil}
	if d.Bundles, err = f.cfg.Bundles.List(ctx, a, id); err != nil {
		return err
	}
	v := f.newView(c, "bundles.title", d)
	v.Title = cs.Number + " · " + v.M.T("bundles.title")
	if d.CanCreate {
		if d.Rows, err = f.pickRows(c, a, id, v.M); err != nil {
			return err
		}
	}
	if form != nil {
		d.Title = form.Get("title")
		picked := map[string]bool{}
		for _, r := range form["pick"] {
			picked[r] = true
		}
		for i := range d.Rows {
			r := &d.Rows[i]
			r.Picked = picked[r.Ref]
			r.Purpose = form.Get("purpose." + r.Ref)
			if n, err := strconv.Atoi(form.Get("order." + r.Ref)); err == nil {
				r.Order = n
			}
		}
	}
	if formErr != nil {
		fieldErrors(v, formErr)
		refs := pickedRefs(form)
		shown := map[int]bool{}
		for i := range d.Rows {
			r := &d.Rows[i]
			for j, ref := range refs {
				if ref == r.Ref {
					r.Err = firstNonEmpty(v.Errors[fmt.Sprintf("items[%d].purpose", j)], v.Errors[fmt.Sprintf("items[%d]", j)])
					shown[j] = true
				}
			}
		}
		// An exhibit the table no longer lists (deleted since the page
		// was loaded, or never of this case) has no row to mark: say
		// what was wrong with it above the form instead of "fix the
		// marked fields" with nothing marked.
		var lost []string
		for j := range refs {
			if msg := v.Errors[fmt.Sprintf("items[%d]", j)]; msg != "" && !shown[j] {
				lost = append(lost, msg)
			}
		}
		if len(lost) > 0 {
			v.Problem = strings.Join(lost, "；")
			if v.M.Lang == "en" {
				v.Problem = strings.Join(lost, "; ")
			}
		}
		sort.SliceStable(d.Rows, func(i, j int) bool { return d.Rows[i].Order < d.Rows[j].Order })
	}
	dossier.Note(ctx, id, "case", id)
	return f.render(c, status, "bundles", v)
}

// pickRows lists the case's evidence, then its generated documents, as
// candidate exhibits in that initial order.
func (f *Front) pickRows(c echo.Context, a *dossier.Actor, caseID string, m Msg) ([]pickRow, error) {
	ctx := c.Request().Context()
	var rows []pickRow
	if f.cfg.Evidence != nil {
		items, _, _, err := f.cfg.Evidence.List(ctx, a, dossier.EvidenceFilter{CaseID: caseID, Page: dossier.Page{Limit: 500}})
		if err != nil {
			return nil, err
		}
		for _, e := range items {
			rows = append(rows, pickRow{Ref: "e:" + e.ID, Title: firstNonEmpty(e.Title, e.Filename),
				Kind: m.Enum("kind", e.Kind), Detail: e.Filename})
		}
	}
	if f.cfg.Documents != nil {
		docs, err := f.cfg.Documents.List(ctx, a, caseID)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			// The language by name, in the page's own brackets: "律师函（中文）".
			lang := "（" + m.Enum("doclang", d.Lang) + "）"
			if m.Lang == "en" {
				lang = " (" + m.Enum("doclang", d.Lang) + ")"
			}
			rows = append(rows, pickRow{Ref: "d:" + d.ID, Title: m.Enum("template", d.Template) + lang,
				Kind: m.T("documents.title"), Detail: d.CreatedAt.In(f.location()).Format("2006-01-02 15:04")})
		}
	}
	for i := range rows {
		rows[i].Order = i + 1
	}
	return rows, nil
}

// pickedRefs returns the picked rows in exhibit order: by the order field,
// ties kept in page order.
func pickedRefs(form url.Values) []string {
	refs := append([]string{}, form["pick"]...)
	order := func(r string) int {
		n, err := strconv.Atoi(form.Get("order." + r))
		if err != nil {
			return 1 << 30
		}
		return n
	}
	sort.SliceStable(refs, func(i, j int) bool { return order(refs[i]) < order(refs[j]) })
	return refs
}

func (f *Front) bundleCreate(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	id := c.Param("case_id")
	form, _ := c.FormParams()
	req := &dossier.BundleRequest{Title: form.Get("title")}
	for _, ref := range pickedRefs(form) {
		it := dossier.BundleRequestItem{Purpose: form.Get("purpose." + ref)}
		switch kind, rid, _ := strings.Cut(ref, ":"); kind {
		case "e":
			it.EvidenceID = rid
		case "d":
			it.DocumentID = rid
		default:
			continue
		}
		req.Items = append(req.Items, it)
	}
	b, err := f.cfg.Bundles.Create(c.Request().Context(), a, id, req)
	if err != nil {
		if dossier.ErrorCode(err) == dossier.EINVALID {
			return f.bundlesWith(c, statusOf(err), err, form)
		}
		return err
	}
	return f.redirect(c, "/bundles/"+b.ID+"?ok=bundle")
}

type bundleData struct {
	Bundle    *dossier.Bundle
	Case      *dossier.Case
	Shares    []*bundle.ShareView
	CanShare  bool
	NewShare  *bundle.NewShare
	Expires   string
	ShareForm url.Values
}

func (f *Front) bundleShow(c echo.Context) error {
	// Right after creation the link's URL waits in a one-shot cookie
	// scoped to this bundle's page: shown once, then gone, and a reload
	// never posts the form again.
	var ns *bundle.NewShare
	if ck, err := c.Request().Cookie(shareOnceCookie); err == nil && ck.Value != "" {
		if u, err := url.QueryUnescape(ck.Value); err == nil {
			ns = &bundle.NewShare{URL: u}
		}
		c.SetCookie(&http.Cookie{Name: shareOnceCookie, Path: f.cookiePath("/bundles/" + c.Param("bid")), MaxAge: -1,
			HttpOnly: true, Secure: f.secure(c), SameSite: http.SameSiteStrictMode})
	}
	return f.bundleShowWith(c, http.StatusOK, ns, nil, url.Values{})
}

const shareOnceCookie = "dossier_new_share"

// bundleShowWith renders a bundle, its share links with their downloads,
// and, right after creation, the new link's URL (shown this once).
func (f *Front) bundleShowWith(c echo.Context, status int, ns *bundle.NewShare, formErr error, form url.Values) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	b, err := f.cfg.Bundles.Get(ctx, a, c.Param("bid"))
	if err != nil {
		return err
	}
	d := &bundleData{Bundle: b, NewShare: ns, CanShare: policy.Can(a, policy.ShareManage, b.CaseID) == nil,
		Expires: time.Now().In(f.location()).AddDate(0, 0, 14).Format("2006-01-02"), ShareForm: form}
	if d.Case, err = f.cfg.Cases.Get(ctx, a, b.CaseID); err != nil {
		return err
	}
	if d.CanShare {
		if d.Shares, err = f.cfg.Bundles.Shares(ctx, a, b.ID); err != nil {
			return err
		}
	} else if formErr != nil {
		// The share form was sent by someone who may not use it: the
		// policy's refusal, not the form's field errors.
		return policy.Can(a, policy.ShareManage, b.CaseID)
	}
	dossier.Note(ctx, b.CaseID, "bundle", b.ID)
	v := f.newView(c, "bundles.title", d)
	v.Title = b.Title
	if formErr != nil {
		fieldErrors(v, formErr)
	}
	return f.render(c, status, "bundle", v)
}

// bundleDownload streams the bundle ZIP to a signed-in reader, as the API
// does: without a Content-Length, since the ZIP's length (headers, the
// deflated text files, manifest and sums) is known only once it is written.
// An error once the first byte is out can only cut the stream short, and a
// ZIP without its central directory is refused by every reader.
func (f *Front) bundleDownload(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	sh, err := f.cfg.Bundles.ForDownload(c.Request().Context(), a, c.Param("bid"))
	if err != nil {
		return err
	}
	// A store that is down is the error page, before the 200 goes out.
	if err := f.cfg.Bundles.StoreReady(c.Request().Context()); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "application/zip")
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": bundle.DownloadName(sh)}))
	h.Set("Cache-Control", "private, no-store")
	c.Response().WriteHeader(http.StatusOK)
	if err := f.cfg.Bundles.WriteZip(c.Request().Context(), c.Response(), sh.Bundle, sh.Case, langOf(c)); err != nil {
		f.cfg.Log.Info("bundle download interrupted", "request_id", h.Get(echo.HeaderXRequestID), "bundle", sh.Bundle.ID, "err", err)
		return err
	}
	return nil
}

func (f *Front) shareCreate(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	form, _ := c.FormParams()
	in := bundle.ShareInput{Note: form.Get("note")}
	var fe dossier.Fields
	if d, perr := dossier.ParseDate(form.Get("expires")); perr != nil {
		fe.Add("expires_at", "must be a date YYYY-MM-DD")
	} else {
		// The link works through the whole chosen day.
		in.ExpiresAt = d.AddDays(1).Start(f.location())
	}
	if s := strings.TrimSpace(form.Get("max_downloads")); s != "" {
		n, perr := strconv.Atoi(s)
		if perr != nil {
			fe.Add("max_downloads", "must be a whole number")
		}
		in.MaxDownloads = n
	}
	err = fe.Err()
	var ns *bundle.NewShare
	if err == nil {
		ns, err = f.cfg.Bundles.CreateShare(c.Request().Context(), a, c.Param("bid"), in)
	}
	if err != nil {
		if dossier.ErrorCode(err) == dossier.EINVALID {
			return f.bundleShowWith(c, statusOf(err), nil, err, form)
		}
		return err
	}
	bid := c.Param("bid")
	c.SetCookie(&http.Cookie{Name: shareOnceCookie, Value: url.QueryEscape(ns.URL), Path: f.cookiePath("/bundles/" + bid),
		MaxAge: 120, HttpOnly: true, Secure: f.secure(c), SameSite: http.SameSiteStrictMode})
	return f.redirect(c, "/bundles/"+bid)
}

func (f *Front) shareRevoke(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	bid := c.Param("bid")
	if err := f.cfg.Bundles.RevokeShare(c.Request().Context(), a, bid, c.Param("sid")); err != nil {
		return err
	}
	return f.redirect(c, "/bundles/"+bid+"?ok=share_revoked")
}
