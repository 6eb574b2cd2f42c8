package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/httpapi"
)

// Cookie names.
const (
	SessionCookie = httpapi.SessionCookie // the login token itself
	preCookie     = "dossier_pre"         // random value binding CSRF tokens before sign-in
	langCookie    = "dossier_lang"        // language choice while signed out
	csrfField     = "csrf"
	// CSRFHeader carries the token on script requests to the JSON API.
	CSRFHeader = "X-CSRF-Token"
)

// session resolves the session cookie to an actor for every request that
// carries no Authorization header, pages and JSON API alike. For API
// requests that change state it also demands the CSRF header: the cookie is
// sent by the browser on its own, the header only by our scripts.
func (f *Front) session(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Header.Get(echo.HeaderAuthorization) != "" {
			return next(c)
		}
		ck, err := req.Cookie(SessionCookie)
		if err != nil || ck.Value == "" {
			return next(c)
		}
		a, err := f.cfg.Accounts.Authenticate(req.Context(), ck.Value)
		if err != nil {
			if dossier.ErrorCode(err) != dossier.EUNAUTHENTICATED {
				return err
			}
			// An expired or revoked session: forget the cookie and go on
			// anonymously; pages then redirect to the sign-in form.
			f.clearCookie(c, SessionCookie)
			return next(c)
		}
		a.IP, a.UA = c.RealIP(), req.UserAgent()
		ctx := httpapi.WithActor(req.Context(), a)
		if strings.HasPrefix(req.URL.Path, "/api/") && !safeMethod(req.Method) &&
			!f.validCSRF(ck.Value, req.Header.Get(CSRFHeader)) {
			c.SetRequest(req.WithContext(ctx))
			return dossier.Errorf(dossier.EFORBIDDEN, "missing or invalid %s header", CSRFHeader)
		}
		c.Set(httpapi.SessionKey, ck.Value)
		c.SetRequest(req.WithContext(ctx))
		return next(c)
	}
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// actorOf returns the signed-in caller, or nil.
func actorOf(c echo.Context) *dossier.Actor { return httpapi.ActorFrom(c.Request().Context()) }

// csrfToken is the token forms of this request must carry: bound to the
// session token when signed in, else to a random pre-session cookie (so the
// sign-in form itself cannot be posted cross-site).
func (f *Front) csrfToken(c echo.Context) string {
	if s, ok := c.Get(httpapi.SessionKey).(string); ok && s != "" {
		return f.sign("session", s)
	}
	pre := ""
	if ck, err := c.Request().Cookie(preCookie); err == nil && len(ck.Value) >= 16 {
		pre = ck.Value
	} else if v, ok := c.Get(preCookie).(string); ok {
		pre = v
	} else {
		b := make([]byte, 18)
		_, _ = rand.Read(b)
		pre = base64.RawURLEncoding.EncodeToString(b)
		c.Set(preCookie, pre)
		f.setCookie(c, preCookie, pre, time.Time{})
	}
	return f.sign("pre", pre)
}

func (f *Front) sign(kind, v string) string {
	m := hmac.New(sha256.New, f.key)
	m.Write([]byte("dossier-csrf\n" + kind + "\n" + v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (f *Front) validCSRF(session, got string) bool {
	return got != "" && hmac.Equal([]byte(got), []byte(f.sign("session", session)))
}

// checkCSRF refuses a state-changing form post whose hidden token does not
// match the one for this session (or pre-session cookie).
func (f *Front) checkCSRF(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		got := c.FormValue(csrfField)
		var want string
		if s, ok := c.Get(httpapi.SessionKey).(string); ok && s != "" {
			want = f.sign("session", s)
		} else if ck, err := c.Request().Cookie(preCookie); err == nil && len(ck.Value) >= 16 {
			want = f.sign("pre", ck.Value)
		}
		if want == "" || got == "" || !hmac.Equal([]byte(got), []byte(want)) {
			return errStaleForm
		}
		return h(c)
	}
}

// errStaleForm refuses a form whose token does not match: most often a page
// left open across a sign-out, a new sign-in or a restart without a kept
// key, rarely a post from another site. The error page says so in the
// page's language instead of "you may not do this".
var errStaleForm = dossier.Errorf(dossier.EFORBIDDEN, "the form has expired or did not come from this site; reload the page and try again")

func (f *Front) secure(c echo.Context) bool { return f.cfg.Secure || c.IsTLS() }

func (f *Front) setCookie(c echo.Context, name, value string, expires time.Time) {
	ck := &http.Cookie{Name: name, Value: value, Path: f.cookiePath("/"), HttpOnly: true, Secure: f.secure(c),
		SameSite: http.SameSiteLaxMode}
	if !expires.IsZero() {
		ck.Expires = expires
		ck.MaxAge = int(time.Until(expires).Seconds())
	}
	c.SetCookie(ck)
}

func (f *Front) clearCookie(c echo.Context, name string) {
	c.SetCookie(&http.Cookie{Name: name, Value: "", Path: f.cookiePath("/"), HttpOnly: true, Secure: f.secure(c),
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}
