package httpapi

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/account"
	"github.com/dossier/dossier/internal/dossier"
)

func (s *Server) login(c echo.Context) error {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	sess, err := s.Accounts.Login(c.Request().Context(), strings.ToLower(strings.TrimSpace(in.Username)), in.Password, c.RealIP())
	if err != nil {
		return err
	}
	// The event is written after the handler; record who logged in.
	a := &dossier.Actor{User: sess.User}
	c.SetRequest(c.Request().WithContext(WithActor(c.Request().Context(), a)))
	return writeJSON(c, http.StatusOK, sess)
}

// The web front's session, named here because the front (internal/web)
// imports this package: its middleware authenticates SessionCookie for API
// requests too and keeps the token in the echo context under SessionKey.
const (
	SessionKey    = "dossier.session"
	SessionCookie = "dossier_session"
)

// logout revokes the token that authenticated the request: the bearer token,
// or the web session cookie's, which it then clears.
func (s *Server) logout(c echo.Context) error {
	tok, cookie := "", false
	if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
		_, t, _ := strings.Cut(h, " ")
		tok = strings.TrimSpace(t)
	} else if t, ok := c.Get(SessionKey).(string); ok {
		tok, cookie = t, true
	}
	// Never answer 204 without knowing which token to revoke.
	if actor(c) == nil || tok == "" {
		return dossier.Errorf(dossier.EUNAUTHENTICATED, "sign in first")
	}
	if err := s.Accounts.Logout(c.Request().Context(), tok); err != nil {
		return err
	}
	if cookie {
		// Name, path and flags as the front sets them: a browser deletes
		// only the cookie that name and path match.
		path := s.BasePath
		if path == "" {
			path = "/"
		}
		c.SetCookie(&http.Cookie{Name: SessionCookie, Value: "", Path: path, HttpOnly: true,
			Secure: c.Scheme() == "https", SameSite: http.SameSiteLaxMode, MaxAge: -1})
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) me(c echo.Context) error {
	a := actor(c)
	if a == nil {
		return dossier.Errorf(dossier.EUNAUTHENTICATED, "sign in first")
	}
	return writeJSON(c, http.StatusOK, a.User)
}

func (s *Server) listUsers(c echo.Context) error {
	users, err := s.Accounts.Users(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return writePage(c, users)
}

func (s *Server) createUser(c echo.Context) error {
	if err := needActor(c); err != nil {
		return err
	}
	var in account.NewUser
	if err := decode(c, &in); err != nil {
		return err
	}
	u, err := s.Accounts.CreateUser(c.Request().Context(), actor(c), in)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusCreated, u)
}

func (s *Server) createGrant(c echo.Context) error {
	if err := needActor(c); err != nil {
		return err
	}
	var in struct {
		UserID string         `json:"user_id"`
		Access dossier.Access `json:"access"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	g, err := s.Accounts.Grant(c.Request().Context(), actor(c), c.Param("case_id"), in.UserID, in.Access)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusCreated, g)
}

func (s *Server) deleteGrant(c echo.Context) error {
	if err := s.Accounts.Revoke(c.Request().Context(), actor(c), c.Param("case_id"), c.Param("user_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// needActor answers 401 before a body is even read when nobody is signed in.
func needActor(c echo.Context) error {
	if actor(c) == nil {
		return dossier.Errorf(dossier.EUNAUTHENTICATED, "sign in first")
	}
	return nil
}
