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
	"unicode/utf8"

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

// decode reads a JSON object body into v. Malformed JSON (or null) is
// EMALFORMED (400); a value of the wrong type, an unknown field, a string
// holding a NUL character (which PostgreSQL cannot store) or text that is
// not Unicode is EINVALID (422) naming every such field.
func decode(c echo.Context, v any) error { return decodeBody(c, v, false) }

// decodePatch is decode for a partial update, whose fields left out keep
// their values: a field sent as null is refused (422 naming it) rather than
// taken as left out, since a client sending null means to clear it, and a
// 200 that changed nothing would say it had.
func decodePatch(c echo.Context, v any) error { return decodeBody(c, v, true) }

func decodeBody(c echo.Context, v any, refuseNull bool) error {
	if ct := c.Request().Header.Get(echo.HeaderContentType); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
			return dossier.Errorf(dossier.EUNSUPPORTED, "request body must be application/json")
		}
	}
	if err := identityBody(c); err != nil {
		return err
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
	if raw == nil { // the body was "null", which would decode as {}
		return dossier.Errorf(dossier.EMALFORMED, "request body must be a JSON object, not null")
	}
	if err := nulFields(body, raw); err != nil {
		return err
	}
	if err := unicodeFields(body, raw); err != nil {
		return err
	}
	if refuseNull {
		var f dossier.Fields
		for _, k := range sortedKeys(raw) {
			if string(bytes.TrimSpace(raw[k])) == "null" {
				f.Add(k, "must not be null: leave the field out to keep its value")
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err == nil {
		return zeroTimes(reflect.TypeOf(v).Elem(), raw)
	}
	// Find every field that fails on its own, so the answer names them all.
	typ := reflect.TypeOf(v).Elem()
	var f dossier.Fields
	for _, k := range sortedKeys(raw) {
		one, _ := json.Marshal(map[string]json.RawMessage{k: raw[k]})
		d := json.NewDecoder(bytes.NewReader(one))
		d.DisallowUnknownFields()
		if err := d.Decode(reflect.New(typ).Interface()); err != nil {
			if path, msg, ok := locateKey(typ, k, raw[k]); ok {
				f.Add(path, "%s", msg)
			} else {
				f.Add(k, "%s", fieldMessage(err))
			}
		}
	}
	if len(f) == 0 {
		return dossier.Errorf(dossier.EMALFORMED, "request body could not be decoded")
	}
	return f.Err()
}

// locateKey finds where inside the value v of the top-level field key of
// struct typ decoding fails, so that the answer names "debtor.kind" or
// "items[2].evidence_id" with the type expected there: naming only the
// top-level field told a client "debtor must be of type string" about an
// object, or "is not a known field" about a documented one.
func locateKey(typ reflect.Type, key string, v json.RawMessage) (string, string, bool) {
	if typ.Kind() != reflect.Struct {
		return "", "", false
	}
	ft, ok := jsonField(typ, key)
	if !ok {
		return key, "is not a known field", true
	}
	return locate(ft, v, key)
}

var unmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()

// locate walks v along the Go type t, whose value sits at path, and returns
// the path and message of the first place it cannot be decoded. The walk
// follows t, so its depth is that of our types, not of the client's JSON.
func locate(t reflect.Type, v json.RawMessage, path string) (string, string, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	v = bytes.TrimSpace(v)
	if string(v) == "null" { // leaves the value as it is, as encoding/json does
		return "", "", false
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return leaf(t, v, path) // Money, Date, time.Time: their own message
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		var obj map[string]json.RawMessage
		if json.Unmarshal(v, &obj) != nil {
			return path, "must be of type object", true
		}
		for _, k := range sortedKeys(obj) {
			var et reflect.Type
			if t.Kind() == reflect.Map {
				et = t.Elem()
			} else if ft, ok := jsonField(t, k); ok {
				et = ft
			} else {
				return path + "." + k, "is not a known field", true
			}
			if p, msg, bad := locate(et, obj[k], path+"."+k); bad {
				return p, msg, true
			}
		}
		return "", "", false
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 { // []byte is a base64 string
			return leaf(t, v, path)
		}
		var arr []json.RawMessage
		if json.Unmarshal(v, &arr) != nil {
			return path, "must be of type array", true
		}
		for i, x := range arr {
			if p, msg, bad := locate(t.Elem(), x, path+"["+strconv.Itoa(i)+"]"); bad {
				return p, msg, true
			}
		}
		return "", "", false
	}
	return leaf(t, v, path)
}

// leaf decodes v into a new t and names path with the decoder's complaint.
func leaf(t reflect.Type, v json.RawMessage, path string) (string, string, bool) {
	d := json.NewDecoder(bytes.NewReader(v))
	d.DisallowUnknownFields()
	if err := d.Decode(reflect.New(t).Interface()); err != nil {
		return path, fieldMessage(err), true
	}
	return "", "", false
}

var (
	timeType = reflect.TypeOf(time.Time{})
	dateType = reflect.TypeOf(dossier.Date{})
)

// zeroTimes names every top-level field of the struct typ holding a time or
// a date whose value in raw is a string that decoded to Go's zero time
// (0001-01-01): once decoded it reads as absent, and a client that typed it
// was told the field "is required".
func zeroTimes(typ reflect.Type, raw map[string]json.RawMessage) error {
	if typ.Kind() != reflect.Struct {
		return nil
	}
	var f dossier.Fields
	for _, k := range sortedKeys(raw) {
		var s string
		if json.Unmarshal(raw[k], &s) != nil || s == "" {
			continue
		}
		ft, ok := jsonField(typ, k)
		if !ok {
			continue
		}
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		var zero bool
		switch ft {
		case timeType:
			var t time.Time
			zero = json.Unmarshal(raw[k], &t) == nil && t.IsZero()
		case dateType:
			var d dossier.Date
			zero = json.Unmarshal(raw[k], &d) == nil && d.IsZero()
		}
		if zero {
			f.Add(k, "is out of range")
		}
	}
	return f.Err()
}

// jsonField finds the type of the field of struct typ that encoding/json
// decodes key into (embedded structs included).
func jsonField(typ reflect.Type, key string) (reflect.Type, bool) {
	var fold reflect.Type
	for i := 0; i < typ.NumField(); i++ {
		sf := typ.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" || !sf.IsExported() && !sf.Anonymous {
			continue
		}
		if sf.Anonymous && name == "" {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				if t, ok := jsonField(et, key); ok {
					return t, true
				}
				continue
			}
		}
		if name == "" {
			name = sf.Name
		}
		if name == key {
			return sf.Type, true
		}
		if fold == nil && strings.EqualFold(name, key) {
			fold = sf.Type
		}
	}
	return fold, fold != nil
}

// identityBody refuses a body sent with a Content-Encoding (gzip, say),
// which is never decoded: it was read as the JSON or form itself and
// answered with a syntax error about a byte such as '\x1f'.
func identityBody(c echo.Context) error {
	if ce := strings.TrimSpace(c.Request().Header.Get("Content-Encoding")); ce != "" && !strings.EqualFold(ce, "identity") {
		return dossier.Errorf(dossier.EUNSUPPORTED, "Content-Encoding %q is not accepted: send the request body uncompressed", ce)
	}
	return nil
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

// unicodeFields names every top-level field whose value (or name) holds
// bytes that are not UTF-8 (a client sending GBK, say) or a \u escape of
// half a surrogate pair (text cut inside an emoji). encoding/json would
// store either as U+FFFD: the client's text silently changed.
func unicodeFields(body []byte, raw map[string]json.RawMessage) error {
	if utf8.Valid(body) && !loneSurrogate(body) {
		return nil
	}
	var f dossier.Fields
	for _, k := range sortedKeys(raw) {
		if !utf8.ValidString(k) || !utf8.Valid(raw[k]) || loneSurrogate(raw[k]) {
			f.Add(strings.ToValidUTF8(k, "\uFFFD"), "must be UTF-8 text (no bytes of another encoding, no half of a surrogate pair)")
		}
	}
	if len(f) == 0 { // in a key's escape: name what can be named
		f.Add("body", "must be UTF-8 text (no bytes of another encoding, no half of a surrogate pair)")
	}
	return f.Err()
}

// loneSurrogate reports a \uD800–\uDFFF escape in the JSON text b that is
// not a high surrogate directly followed by a low one.
func loneSurrogate(b []byte) bool {
	if !bytes.Contains(b, []byte(`\u`)) {
		return false
	}
	esc := func(i int) (rune, bool) { // the \uXXXX escape at b[i:]
		if i+6 > len(b) || b[i] != '\\' || b[i+1] != 'u' {
			return 0, false
		}
		n, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 16)
		return rune(n), err == nil
	}
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		r, ok := esc(i)
		if !ok {
			i++ // another escape (\\, \", ...): skip its second byte
			continue
		}
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return true
		case r >= 0xD800 && r <= 0xDBFF:
			lo, ok := esc(i + 6)
			if !ok || lo < 0xDC00 || lo > 0xDFFF {
				return true
			}
			i += 11
		default:
			i += 5
		}
	}
	return false
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
