package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// Behind a reverse proxy the pages may live under a path prefix
// (https://host/dossier/…). The app itself routes, and keeps in "next" and
// "back" values, its own paths ("/cases/x"); the prefix is added only where
// a URL leaves for the browser (links, redirects, cookie paths) by url,
// redirect and cookiePath, and taken off arriving requests by stripBase.

// reservedSegments are the first path segments of the service's own routes,
// pages and API alike. A prefix starting with one would be taken off
// requests meant for that route (a base of /api would turn /api/v1/cases
// into /v1/cases), so CleanBasePath refuses it.
var reservedSegments = []string{"api", "s", "static", "healthz", "readyz", "metrics", "login", "logout", "lang",
	"cases", "evidence", "bundles", "dashboard", "dashboard.csv", "search", "audit", "admin"}

// CleanBasePath normalises the path prefix setting: a leading slash, no
// trailing one, "" (or "/") for the root. Anything but plain segments of
// letters, digits and "-._~" is refused, since the prefix is written into
// every link and compared with every request path as it is.
func CleanBasePath(p string) (string, error) {
	if p == "" || p == "/" {
		return "", nil
	}
	p = strings.TrimSuffix(strings.TrimPrefix(p, "/"), "/")
	for i, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return "", fmt.Errorf("must be a path such as /dossier: no empty, . or .. segments")
		}
		for _, r := range seg {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~", r)) {
				return "", fmt.Errorf("must be a path such as /dossier: %q is not allowed (letters, digits, - . _ ~ and / only)", r)
			}
		}
		if i == 0 {
			for _, r := range reservedSegments {
				if seg == r {
					return "", fmt.Errorf("must not start with /%s, which the service's own routes use", r)
				}
			}
		}
	}
	return "/" + p, nil
}

// url is the address the browser uses for the app path p ("/cases/x").
// Templates call it as {{path "/cases/"}}.
func (f *Front) url(p string) string { return f.cfg.BasePath + p }

// redirect sends the browser to the app path p with 303 See Other.
func (f *Front) redirect(c echo.Context, p string) error {
	return c.Redirect(http.StatusSeeOther, f.url(p))
}

// cookiePath is the Path of a cookie for the app path p, so that cookies
// stay with this app and not with others on the same host.
func (f *Front) cookiePath(p string) string {
	if f.cfg.BasePath != "" && p == "/" {
		return f.cfg.BasePath
	}
	return f.url(p)
}

// cutBase returns p without the prefix, and whether p was under it.
func (f *Front) cutBase(p string) (string, bool) {
	base := f.cfg.BasePath
	if base == "" {
		return p, false
	}
	rest, ok := strings.CutPrefix(p, base)
	if !ok || (rest != "" && !strings.ContainsRune("/?#", rune(rest[0]))) {
		return p, false
	}
	if rest == "" || rest[0] != '/' { // the prefix's root, maybe with a query
		rest = "/" + rest
	}
	return rest, true
}

// returnPath is where a "next" or "back" value may send the browser: an
// app path on this site, else "/". A value written with the prefix (a link
// copied from the address bar) loses it first, and what remains is checked
// again, so "/dossier//evil.example" cannot become "//evil.example".
func (f *Front) returnPath(p string) string {
	p = localPath(p)
	if rest, ok := f.cutBase(p); ok {
		return localPath(rest)
	}
	return p
}

// stripBase is a Pre middleware: a request whose path is under the prefix
// (the proxy passed it through) is routed without it; any other request (a
// proxy that strips it, a health check on the app's own port) as it is.
func (f *Front) stripBase(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := c.Request().URL
		if rest, ok := f.cutBase(u.Path); ok {
			u.Path = rest
			if raw, ok := f.cutBase(u.RawPath); ok {
				u.RawPath = raw
			} else {
				u.RawPath = ""
			}
		}
		return next(c)
	}
}
