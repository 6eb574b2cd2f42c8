package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// Languages the pages are written in; the first is the default.
var Languages = []string{"zh-CN", "en"}

// Msg translates catalogue keys into one language; templates call
// {{.M.T "key"}}.
type Msg struct{ Lang string }

// T returns the message for key, formatted with args. A missing key shows
// itself, so a gap is visible on the page and in tests instead of blank.
func (m Msg) T(key string, args ...any) string {
	pair, ok := catalogue[key]
	if !ok {
		return key
	}
	s := pair[0]
	if m.Lang == "en" {
		s = pair[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Enum translates a value of a closed set (stage, bucket, kind, channel,
// role, flag) written as "prefix.value"; unknown values show as they are.
func (m Msg) Enum(prefix string, v any) string {
	s := fmt.Sprint(v)
	if _, ok := catalogue[prefix+"."+s]; ok {
		return m.T(prefix + "." + s)
	}
	return s
}

// langOf picks the language: the signed-in user's choice, else the
// signed-out cookie, else Accept-Language when it prefers English, else
// Chinese.
func langOf(c echo.Context) string {
	if a := actorOf(c); a != nil && a.User != nil && validLang(a.User.Lang) {
		return a.User.Lang
	}
	if ck, err := c.Request().Cookie(langCookie); err == nil && validLang(ck.Value) {
		return ck.Value
	}
	al := strings.ToLower(c.Request().Header.Get("Accept-Language"))
	if strings.HasPrefix(al, "en") {
		return "en"
	}
	return "zh-CN"
}

func validLang(l string) bool { return l == "zh-CN" || l == "en" }

// setLang switches the language: stored on the user when signed in, and in
// a cookie in any case so the sign-in page follows too.
func (f *Front) setLang(c echo.Context) error {
	lang := c.FormValue("lang")
	if !validLang(lang) {
		lang = "zh-CN"
	}
	if a := actorOf(c); a != nil {
		if err := f.cfg.Accounts.SetLang(c.Request().Context(), a, lang); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: f.secure(c), SameSite: http.SameSiteLaxMode})
	return c.Redirect(http.StatusSeeOther, localPath(c.FormValue("back")))
}

// localPath accepts only a path on this site, so a form cannot be used to
// redirect elsewhere.
func localPath(p string) string {
	u, err := url.Parse(p)
	if err != nil || p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") ||
		u.Host != "" || u.Scheme != "" || strings.Contains(p, "\\") {
		return "/"
	}
	return p
}
