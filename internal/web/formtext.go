package web

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/dossier"
)

// checkFormText refuses, with 422 naming each field, a form post whose
// values hold a NUL character or bytes that are not UTF-8: no form field is
// such text, and PostgreSQL cannot store it.
func checkFormText(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		form, err := c.FormParams()
		if err != nil {
			return h(c) // the handler meets the same unreadable form
		}
		var f dossier.Fields
		for _, k := range sortedKeys(form) {
			ok := goodText(k)
			for _, v := range form[k] {
				ok = ok && goodText(v)
			}
			if !ok {
				f.Add(strings.ReplaceAll(strings.ToValidUTF8(k, "\uFFFD"), "\x00", "\uFFFD"),
					"must be UTF-8 text without a NUL character")
			}
		}
		if len(f) > 0 {
			names := make([]string, len(f))
			for i, fe := range f {
				names[i] = fe.Field
			}
			return &dossier.Error{Code: dossier.EINVALID, Fields: f,
				Message: "text with a NUL character or bytes that are not UTF-8 in: " + strings.Join(names, ", ")}
		}
		return h(c)
	}
}

func goodText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
