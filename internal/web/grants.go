package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/dossier"
)

// grantListRow is one outside firm's grant on the case.
type grantListRow struct {
	User   *dossier.User // nil if the user is gone
	UserID string
	Access dossier.Access
}

type caseGrantsData struct {
	Case   *dossier.Case
	Grants []grantListRow
	Firms  []*dossier.User // enabled outside-firm users, for the form
	Form   url.Values
}

// caseGrantsPage lets whoever may grant the case (admin, counsel: the
// API's rule) see and change which outside firms may open it, without the
// admin-only user page.
func (f *Front) caseGrantsPage(c echo.Context) error {
	return f.caseGrantsWith(c, http.StatusOK, nil, url.Values{})
}

func (f *Front) caseGrantsWith(c echo.Context, status int, formErr error, form url.Values) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	id := c.Param("case_id")
	grants, users, err := f.cfg.Accounts.CaseGrants(ctx, a, id)
	if err != nil {
		return err
	}
	cs, err := f.cfg.Cases.Get(ctx, a, id)
	if err != nil {
		return err
	}
	byID := map[string]*dossier.User{}
	d := &caseGrantsData{Case: cs, Form: form}
	for _, u := range users {
		byID[u.ID] = u
		if !u.Disabled {
			d.Firms = append(d.Firms, u)
		}
	}
	for _, g := range grants {
		d.Grants = append(d.Grants, grantListRow{User: byID[g.UserID], UserID: g.UserID, Access: g.Access})
	}
	dossier.Note(ctx, id, "case", id)
	v := f.newView(c, "grants.title", d)
	v.Title = cs.Number + " · " + v.M.T("grants.title")
	if formErr != nil {
		fieldErrors(v, formErr)
	}
	return f.render(c, status, "grants", v)
}

func (f *Front) caseGrantCreate(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	id := c.Param("case_id")
	form, _ := c.FormParams()
	_, err = f.cfg.Accounts.Grant(c.Request().Context(), a, id, form.Get("user_id"), dossier.Access(form.Get("access")))
	if dossier.ErrorCode(err) == dossier.EINVALID {
		return f.caseGrantsWith(c, statusOf(err), err, form)
	} else if err != nil {
		return err
	}
	return f.redirect(c, "/cases/"+id+"/grants?ok=grant")
}

func (f *Front) caseGrantRevoke(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	id := c.Param("case_id")
	if err := f.cfg.Accounts.Revoke(c.Request().Context(), a, id, c.FormValue("user_id")); err != nil {
		return err
	}
	return f.redirect(c, "/cases/"+id+"/grants?ok=revoke")
}
