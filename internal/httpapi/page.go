package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/dossier"
)

// defaultLimit is a list page's size when the client gives no limit.
const defaultLimit = 50

// writePage answers a list its service returns whole (a case's
// communications, payments, documents...) as API.md's lists are: limit
// (default 50, at most 500) and cursor are read, checked and applied, and
// total counts every item. These lists ignored both, so limit=abc or
// limit=100000 answered 200 with everything. Their cursor is the offset of
// the page's first item; the lists are append-only and in a stable order.
func writePage[T any](c echo.Context, items []T) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	limit := p.Limit
	if limit == 0 {
		limit = defaultLimit
	}
	off := 0
	if p.Cursor != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(p.Cursor, "o"))
		if !strings.HasPrefix(p.Cursor, "o") || err != nil || n < 1 || n > len(items) || strconv.Itoa(n) != p.Cursor[1:] {
			return &dossier.Error{Code: dossier.EINVALID, Message: "invalid cursor",
				Fields: []dossier.FieldError{{Field: "cursor", Message: "is not a cursor from a previous page"}}}
		}
		off = n
	}
	end := min(off+limit, len(items))
	out := List[T]{Items: items[off:end], Total: len(items)}
	if end < len(items) {
		out.Next = "o" + strconv.Itoa(end)
	}
	if out.Items == nil {
		out.Items = []T{}
	}
	return writeJSON(c, http.StatusOK, out)
}
