package sqlstore

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// A list cursor names the last row of the page before it by its sort key
// (created_at and ID): the next page starts after that row, so an item
// added or deleted while a client pages neither repeats nor skips another.
// Cursors of earlier versions held a row offset; they are still read.
type listCursor struct {
	offset int    // a cursor of an earlier version: rows to skip
	at, id string // the last row of the previous page; "" for the first page
}

// keyPrefix starts a key cursor's decoded form; an offset cursor was
// digits only.
const keyPrefix = "k:"

// listPage normalises a list window and decodes its cursor.
func listPage(p dossier.Page) (limit int, c listCursor, err error) {
	limit = p.Limit
	if limit <= 0 {
		limit = 50
	}
	if limit > 500 {
		limit = 500
	}
	if p.Cursor == "" {
		return limit, c, nil
	}
	bad := &dossier.Error{Code: dossier.EINVALID, Message: "invalid cursor",
		Fields: []dossier.FieldError{{Field: "cursor", Message: "is not a cursor from a previous page"}}}
	b, err := base64.RawURLEncoding.DecodeString(p.Cursor)
	if err != nil {
		return 0, c, bad
	}
	s := string(b)
	if rest, ok := strings.CutPrefix(s, keyPrefix); ok {
		at, id, ok := strings.Cut(rest, "|")
		if !ok || at == "" || id == "" || len(at) != len(timeLayout) {
			return 0, c, bad
		}
		c.at, c.id = at, id
		return limit, c, nil
	}
	if c.offset, err = strconv.Atoi(s); err != nil || c.offset < 0 {
		return 0, c, bad
	}
	return limit, c, nil
}

// after is the condition and arguments that start a page after the
// cursor's row, in a list ordered by created_at and id ascending (desc
// false) or descending; "" for a first page or an offset cursor. n is the
// number of the first placeholder.
func (c listCursor) after(n int, desc bool) (string, []any) {
	if c.id == "" {
		return "", nil
	}
	op := ">"
	if desc {
		op = "<"
	}
	return "(created_at " + op + " $" + itoa(n) + " OR (created_at = $" + itoa(n) + " AND id " + op + " $" + itoa(n+1) + "))",
		[]any{c.at, c.id}
}

// sql is the LIMIT (one row more than the page, to tell whether another
// page follows) and, for an offset cursor, the OFFSET.
func (c listCursor) sql(limit int) string {
	s := " LIMIT " + itoa(limit+1)
	if c.offset > 0 {
		s += " OFFSET " + itoa(c.offset)
	}
	return s
}

// endPage cuts the extra row a page query read (see sql) and returns the
// cursor of the page after it: "" when no row follows.
func endPage[T any](items []T, limit int, key func(T) (time.Time, string)) ([]T, string) {
	if len(items) <= limit {
		return items, ""
	}
	items = items[:limit]
	at, id := key(items[limit-1])
	return items, base64.RawURLEncoding.EncodeToString([]byte(keyPrefix + tm(at) + "|" + id))
}
