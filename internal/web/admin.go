package web

import (
	"net/http"
	"net/url"
	"sort"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/account"
	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/dossier"
)

type userRow struct {
	User   *dossier.User
	Grants []grantRow
}

type grantRow struct {
	CaseID, CaseNumber string
	Access             dossier.Access
}

type adminData struct {
	Users []userRow
	Cases []*dossier.Case
	Roles []dossier.Role
	Form  url.Values
}

func (f *Front) adminPage(c echo.Context) error {
	return f.adminWith(c, http.StatusOK, nil, url.Values{})
}

// adminWith renders users, their case grants and the forms; account.Users
// refuses everyone but admins.
func (f *Front) adminWith(c echo.Context, status int, formErr error, form url.Values) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	users, err := f.cfg.Accounts.Users(ctx, a)
	if err != nil {
		return err
	}
	cases, _, _, err := f.cfg.Cases.List(ctx, a, casefile.Filter{Page: dossier.Page{Limit: 500}})
	if err != nil {
		return err
	}
	numbers := map[string]string{}
	for _, cs := range cases {
		numbers[cs.ID] = cs.Number
	}
	d := &adminData{Cases: cases, Roles: dossier.Roles, Form: form}
	for _, u := range users {
		row := userRow{User: u}
		if u.Role == dossier.RoleExternal {
			ua, err := f.cfg.Accounts.ActorFor(ctx, u.ID)
			if err == nil {
				for id, acc := range ua.Grants {
					row.Grants = append(row.Grants, grantRow{CaseID: id, CaseNumber: numbers[id], Access: acc})
				}
				sort.Slice(row.Grants, func(i, j int) bool { return row.Grants[i].CaseNumber < row.Grants[j].CaseNumber })
			}
		}
		d.Users = append(d.Users, row)
	}
	v := f.newView(c, "admin.title", d)
	if formErr != nil {
		fieldErrors(v, formErr)
	}
	return f.render(c, status, "admin", v)
}

func (f *Front) adminCreateUser(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	form, _ := c.FormParams()
	_, err = f.cfg.Accounts.CreateUser(c.Request().Context(), a, account.NewUser{Username: form.Get("username"),
		DisplayName: form.Get("display_name"), Role: dossier.Role(form.Get("role")), Password: form.Get("password")})
	if code := dossier.ErrorCode(err); code == dossier.EINVALID || code == dossier.ECONFLICT {
		if code == dossier.ECONFLICT {
			err = &dossier.Error{Code: dossier.EINVALID, Message: "invalid fields",
				Fields: []dossier.FieldError{{Field: "username", Message: "is taken"}}}
		}
		form.Del("password")
		return f.adminWith(c, statusOf(err), err, form)
	} else if err != nil {
		return err
	}
	return f.redirect(c, "/admin?ok=user")
}

func (f *Front) grantCreate(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	_, err = f.cfg.Accounts.Grant(c.Request().Context(), a, c.FormValue("case_id"), c.FormValue("user_id"),
		dossier.Access(c.FormValue("access")))
	if dossier.ErrorCode(err) == dossier.EINVALID {
		return f.adminWith(c, statusOf(err), err, url.Values{})
	} else if err != nil {
		return err
	}
	return f.redirect(c, "/admin?ok=grant")
}

func (f *Front) grantRevoke(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	if err := f.cfg.Accounts.Revoke(c.Request().Context(), a, c.FormValue("case_id"), c.FormValue("user_id")); err != nil {
		return err
	}
	return f.redirect(c, "/admin?ok=revoke")
}

// adminSetDisabled disables or enables a user.
func (f *Front) adminSetDisabled(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	disabled := c.FormValue("disabled") == "true"
	if err := f.cfg.Accounts.Disable(c.Request().Context(), a, c.FormValue("username"), disabled); err != nil {
		return err
	}
	ok := "enabled"
	if disabled {
		ok = "disabled"
	}
	return f.redirect(c, "/admin?ok="+ok)
}
