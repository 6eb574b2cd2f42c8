package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
)

// Text that is not Unicode (GBK bytes from an old client, an escape of half
// a surrogate pair from text cut inside an emoji) is a 422 naming the
// field; it was stored with U+FFFD in place of the client's characters.
// Escaped pairs and escaped backslashes before a "u" are text as any other.
func TestInputJSONNotUnicode(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.login("admin", adminPassword)
	c := e.createCase(admin, "2026-HZ-0001")
	path := "/api/v1/cases/" + c.ID
	gbk := "\xb9\xfa\xbc\xd2" // 国家 in GBK
	for name, body := range map[string]string{
		"gbk title":          `{"title":"` + gbk + `"}`,
		"gbk debtor name":    `{"debtor":{"name":"` + gbk + `","kind":"person"}}`,
		"lone high":          `{"title":"a\ud83d"}`,
		"lone low":           `{"title":"\udc00b"}`,
		"high then not low":  `{"title":"\ud83d\u0041"}`,
		"two fields, one ok": `{"contract_no":"HT-1","title":"` + gbk + `"}`,
	} {
		r := e.send("PATCH", path, admin, "application/json", []byte(body), nil)
		if r.Status != 422 {
			t.Fatalf("%s: %d %s", name, r.Status, r.Body)
		}
		p := r.problem(t)
		want := "title"
		if strings.Contains(name, "debtor") {
			want = "debtor"
		}
		if len(p.Errors) != 1 || p.Errors[0].Field != want {
			t.Fatalf("%s: want only %s named, got %s", name, want, r.Body)
		}
	}
	for body, want := range map[string]string{
		`{"title":"\ud83d\ude00 \u56fd"}`: "😀 国",
		`{"title":"C:\\ud800"}`:           `C:\ud800`,
		`{"title":"国家"}`:                  "国家",
	} {
		r := e.send("PATCH", path, admin, "application/json", []byte(body), nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), `"title":"`+strings.ReplaceAll(want, `\`, `\\`)+`"`) {
			t.Fatalf("%s: %d %s", body, r.Status, r.Body)
		}
	}
}

// A body of null is not an object: 400, as [] or "x" are; it decoded as {}
// (a PATCH changing nothing answered 200 and was audited as an update).
func TestInputJSONNull(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.login("admin", adminPassword)
	c := e.createCase(admin, "2026-HZ-0001")
	for _, body := range []string{"null", " null ", "[]", `"x"`} {
		r := e.send("PATCH", "/api/v1/cases/"+c.ID, admin, "application/json", []byte(body), nil)
		if r.Status != 400 {
			t.Fatalf("%q: %d %s", body, r.Status, r.Body)
		}
		r.problem(t)
	}
}

// A compressed body is 415 saying so; it was read as JSON (or a form) and
// answered 400 with a syntax error about byte '\x1f'.
func TestInputContentEncoding(t *testing.T) {
	e, _, admin := vaultEnv(t, "sqlite", "disk", 0, 1<<30)
	c := e.createCase(admin, "2026-HZ-0001")
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte(`{"title":"x"}`))
	w.Close()
	gzHdr := map[string]string{"Content-Encoding": "gzip"}
	r := e.send("PATCH", "/api/v1/cases/"+c.ID, admin, "application/json", gz.Bytes(), gzHdr)
	if r.Status != 415 || !strings.Contains(r.problem(t).Detail, "Content-Encoding") {
		t.Fatalf("gzip JSON: %d %s", r.Status, r.Body)
	}
	ct, form := rawForm([2]string{`name="kind"`, "contract"}, [2]string{`name="file"; filename="a.bin"`, "abc"})
	r = e.send("POST", "/api/v1/cases/"+c.ID+"/evidence", admin, ct, form, gzHdr)
	if r.Status != 415 || !strings.Contains(r.problem(t).Detail, "Content-Encoding") {
		t.Fatalf("gzip form: %d %s", r.Status, r.Body)
	}
	// identity is no encoding at all.
	r = e.send("PATCH", "/api/v1/cases/"+c.ID, admin, "application/json", []byte(`{"title":"y"}`), map[string]string{"Content-Encoding": "identity"})
	if r.Status != 200 {
		t.Fatalf("identity: %d %s", r.Status, r.Body)
	}
}
