package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/httpapi"
)

func (f *Front) loginForm(c echo.Context) error {
	if actorOf(c) != nil {
		return f.redirect(c, f.returnPath(c.QueryParam("next")))
	}
	v := f.newView(c, "login.title", map[string]string{"Next": f.returnPath(c.QueryParam("next")), "Username": ""})
	return f.render(c, http.StatusOK, "login", v)
}

// login signs in with account.Login (rate limits and all) and keeps the
// token in an HttpOnly cookie that expires with it.
func (f *Front) login(c echo.Context) error {
	username := strings.ToLower(strings.TrimSpace(c.FormValue("username")))
	next := f.returnPath(c.FormValue("next"))
	sess, err := f.cfg.Accounts.Login(c.Request().Context(), username, c.FormValue("password"), c.RealIP())
	if err != nil {
		code := dossier.ErrorCode(err)
		if code != dossier.EUNAUTHENTICATED && code != dossier.EINVALID && code != dossier.ERATELIMITED {
			return err
		}
		v := f.newView(c, "login.title", map[string]string{"Next": next, "Username": username})
		status := httpapi.Status(err)
		if code == dossier.EINVALID {
			fieldErrors(v, err)
		} else if code == dossier.ERATELIMITED {
			v.Problem = v.M.T("login.ratelimited")
		} else {
			v.Problem = v.M.T("login.bad")
		}
		return f.render(c, status, "login", v)
	}
	// The audit event of this request names who signed in.
	c.SetRequest(c.Request().WithContext(httpapi.WithActor(c.Request().Context(), &dossier.Actor{User: sess.User})))
	f.setCookie(c, SessionCookie, sess.Token, sess.ExpiresAt)
	f.clearCookie(c, preCookie)
	if sess.User.Lang == "" {
		// Keep the language chosen before signing in.
		if ck, err := c.Request().Cookie(langCookie); err == nil && validLang(ck.Value) {
			a := &dossier.Actor{User: sess.User}
			_ = f.cfg.Accounts.SetLang(c.Request().Context(), a, ck.Value)
		}
	}
	return f.redirect(c, next)
}

// logout revokes the token, not just the cookie.
func (f *Front) logout(c echo.Context) error {
	if s, ok := c.Get(httpapi.SessionKey).(string); ok && s != "" {
		if err := f.cfg.Accounts.Logout(c.Request().Context(), s); err != nil {
			return err
		}
	}
	f.clearCookie(c, SessionCookie)
	return f.redirect(c, "/login")
}

// needActor sends anonymous callers to the sign-in form.
func needActor(c echo.Context) (*dossier.Actor, error) {
	a := actorOf(c)
	if a == nil {
		return nil, dossier.Errorf(dossier.EUNAUTHENTICATED, "sign in first")
	}
	return a, nil
}
