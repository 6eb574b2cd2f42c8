package sqlstore

import (
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// listCursor is a decoded dossier.Cursor (see there): a page starts after
// the row it names, or, for a cursor of an earlier version, at an offset.
type listCursor struct {
	offset int    // a cursor of an earlier version: rows to skip
	at, id string // the last row of the previous page; "" for the first page
}

// listPage normalises a list window and decodes its cursor.
func listPage(p dossier.Page) (limit int, c listCursor, err error) {
	limit = p.Limit
	if limit <= 0 {
		limit = 50
	}
	if limit > 500 {
		limit = 500
	}
	dc, err := dossier.ParseCursor(p.Cursor)
	if err != nil {
		return 0, c, err
	}
	return limit, listCursor{offset: dc.Offset, at: dc.At, id: dc.ID}, nil
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
	return items, dossier.KeyCursor(key(items[limit-1]))
}
