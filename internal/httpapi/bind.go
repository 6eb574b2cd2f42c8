package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/dossier"
)

const maxJSONBody = 1 << 20

func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeJSON renders v with status.
func writeJSON(c echo.Context, status int, v any) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSONCharsetUTF8)
	c.Response().WriteHeader(status)
	return jsonEncode(c.Response(), v)
}

// decode reads a JSON object body into v. Malformed JSON is EMALFORMED (400);
// a value of the wrong type, an unknown field or a string holding a NUL
// character (which PostgreSQL cannot store) is EINVALID (422) naming every
// such field. encoding/json already turns bytes that are not UTF-8 into
// U+FFFD.
func decode(c echo.Context, v any) error {
	if ct := c.Request().Header.Get(echo.HeaderContentType); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
			return dossier.Errorf(dossier.EUNSUPPORTED, "request body must be application/json")
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, maxJSONBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return dossier.Errorf(dossier.ETOOLARGE, "JSON body larger than 1 MiB")
		}
		return dossier.Errorf(dossier.EMALFORMED, "could not read request body")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return &dossier.Error{Code: dossier.EMALFORMED, Message: "request body must be a JSON object: " + syntaxMessage(err)}
	}
	if err := nulFields(body, raw); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err == nil {
		return nil
	}
	// Find every field that fails on its own, so the answer names them all.
	typ := reflect.TypeOf(v).Elem()
	var f dossier.Fields
	for _, k := range sortedKeys(raw) {
		one, _ := json.Marshal(map[string]json.RawMessage{k: raw[k]})
		d := json.NewDecoder(bytes.NewReader(one))
		d.DisallowUnknownFields()
		if err := d.Decode(reflect.New(typ).Interface()); err != nil {
			f.Add(k, "%s", fieldMessage(err))
		}
	}
	if len(f) == 0 {
		return dossier.Errorf(dossier.EMALFORMED, "request body could not be decoded")
	}
	return f.Err()
}

// nulFields names every top-level field whose value holds a string (or an
// object key), at any depth, with a NUL character.
func nulFields(body []byte, raw map[string]json.RawMessage) error {
	if !bytes.Contains(body, []byte(`\u0000`)) {
		return nil
	}
	var f dossier.Fields
	for _, k := range sortedKeys(raw) {
		var v any
		if strings.ContainsRune(k, 0) || json.Unmarshal(raw[k], &v) == nil && hasNUL(v) {
			f.Add(strings.ReplaceAll(k, "\x00", "\uFFFD"), "must not contain a NUL character")
		}
	}
	return f.Err()
}

func hasNUL(v any) bool {
	switch v := v.(type) {
	case string:
		return strings.ContainsRune(v, 0)
	case []any:
		for _, x := range v {
			if hasNUL(x) {
				return true
			}
		}
	case map[string]any:
		for k, x := range v {
			if strings.ContainsRune(k, 0) || hasNUL(x) {
				return true
			}
		}
	}
	return false
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func syntaxMessage(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return se.Error() + " at offset " + strconv.FormatInt(se.Offset, 10)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "expected an object"
	}
	return err.Error()
}

func fieldMessage(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "must be of type " + jsonType(te.Type)
	}
	var pe *time.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%q is not an RFC 3339 time with its zone, such as 2026-03-01T09:30:00+08:00", pe.Value)
	}
	if msg := err.Error(); len(msg) > 5 && msg[:5] == "json:" {
		if bytes.Contains([]byte(msg), []byte("unknown field")) {
			return "is not a known field"
		}
		return msg[6:]
	}
	return err.Error()
}

func jsonType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Float64:
		return "number"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return t.String()
}

// pageParams reads limit and cursor.
func pageParams(c echo.Context) (dossier.Page, error) {
	p := dossier.Page{Cursor: c.QueryParam("cursor")}
	if l := c.QueryParam("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 500 {
			return p, &dossier.Error{Code: dossier.EINVALID, Message: "invalid fields",
				Fields: []dossier.FieldError{{Field: "limit", Message: "must be a whole number from 1 to 500"}}}
		}
		p.Limit = n
	}
	return p, nil
}

// List is the common list envelope.
type List[T any] struct {
	Items []T    `json:"items"`
	Total int    `json:"total"`
	Next  string `json:"next"`
}
