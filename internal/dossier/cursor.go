package dossier

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// A list cursor names the last row of the page before it by its sort key,
// created_at and ID (keyset paging): the next page starts after that row,
// so a row added or deleted while a client pages neither repeats nor skips
// another. The cases and evidence lists hand them out; the cases list's
// limitation_within scan reads and writes the same ones. Cursors of earlier
// versions held a row offset; ParseCursor still reads them.

// cursorKeyPrefix starts a key cursor's decoded form; an offset cursor is
// digits only.
const cursorKeyPrefix = "k:"

// CursorTimeLayout is how a key cursor writes created_at: the metadata
// store's own layout, so the store compares it with its column as is.
const CursorTimeLayout = "2006-01-02T15:04:05.000000Z"

// KeyCursor is the cursor of the page after a row created at with id.
func KeyCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorKeyPrefix + at.UTC().Format(CursorTimeLayout) + "|" + id))
}

// Cursor is a decoded list cursor: a key (At, ID) or, from an earlier
// version, an Offset.
type Cursor struct {
	Offset int
	At     string // created_at in CursorTimeLayout; "" for an offset cursor
	ID     string
}

// Keyed reports whether c names a row (rather than an offset).
func (c Cursor) Keyed() bool { return c.ID != "" }

// ParseCursor decodes a list cursor; "" is the first page. Anything that is
// not a cursor this or an earlier version handed out is EINVALID naming the
// cursor parameter.
func ParseCursor(s string) (Cursor, error) {
	var c Cursor
	if s == "" {
		return c, nil
	}
	bad := &Error{Code: EINVALID, Message: "invalid cursor",
		Fields: []FieldError{{Field: "cursor", Message: "is not a cursor from a previous page"}}}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return c, bad
	}
	if rest, ok := strings.CutPrefix(string(b), cursorKeyPrefix); ok {
		at, id, ok := strings.Cut(rest, "|")
		if _, err := time.Parse(CursorTimeLayout, at); !ok || id == "" || err != nil {
			return c, bad
		}
		c.At, c.ID = at, id
		return c, nil
	}
	if c.Offset, err = strconv.Atoi(string(b)); err != nil || c.Offset < 0 {
		return c, bad
	}
	return c, nil
}
