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

func goodText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// printable is a parameter name fit to echo back and audit.
func printable(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}
