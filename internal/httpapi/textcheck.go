package httpapi

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/dossier"
)

// checkText refuses, with 400 naming the parameter ("path" for the path),
// a request whose path or query parameters hold a NUL character or bytes
// that are not UTF-8 once unescaped: no id or filter is such text, and
// PostgreSQL cannot even compare with it. It runs inside observe, so the
// refusal is audited like any other.
func (s *Server) checkText(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := badText(c); err != nil {
			return err
		}
		if err := repeatedParams(c); err != nil {
			return err
		}
		return next(c)
	}
}

// badText returns the EMALFORMED error naming every path or query parameter
// that is not UTF-8 text without a NUL, or nil.
func badText(c echo.Context) error {
	var f dossier.Fields
	if !goodText(c.Request().URL.Path) {
		f.Add("path", "must be UTF-8 text without a NUL character")
	}
	q := c.QueryParams()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ok := goodText(k)
		for _, v := range q[k] {
			ok = ok && goodText(v)
		}
		if !ok {
			f.Add(printable(k), "must be UTF-8 text without a NUL character")
		}
	}
	if len(f) == 0 {
		return nil
	}
	return &dossier.Error{Code: dossier.EMALFORMED, Message: "a path or query parameter contains a NUL character or bytes that are not UTF-8", Fields: f}
}

// repeatable are the API's query parameters that may be given more than
// once (audit/verify's anchors).
var repeatable = map[string]bool{"anchor": true}

// repeatedParams names every other API query parameter given more than
// once (422). Handlers read the first and ignored the rest, so
// ?stage=closed&stage=litigation silently listed only closed cases and
// ?limit=1&limit=500 one case. Web pages are left alone: forms repeat
// names on purpose.
func repeatedParams(c echo.Context) error {
	if !strings.HasPrefix(c.Request().URL.Path, "/api/") {
		return nil
	}
	var f dossier.Fields
	q := c.QueryParams()
	keys := make([]string, 0, len(q))
	for k, vs := range q {
		if len(vs) > 1 && !repeatable[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		f.Add(printable(k), "is given more than once")
	}
	return f.Err()
}

func goodText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// printable is a parameter name fit to echo back and audit.
func printable(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}
