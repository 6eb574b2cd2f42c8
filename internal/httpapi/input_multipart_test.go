package httpapi_test

import (
	"bytes"
	"strings"
	"testing"
)

// rawForm builds a multipart body by hand, so that a test can send what
// mime/multipart's writer would not (raw GBK bytes in a filename).
func rawForm(parts ...[2]string) (string, []byte) {
	var b bytes.Buffer
	for _, p := range parts {
		b.WriteString("--XyZ\r\nContent-Disposition: form-data; " + p[0] + "\r\n\r\n" + p[1] + "\r\n")
	}
	b.WriteString("--XyZ--\r\n")
	return "multipart/form-data; boundary=XyZ", b.Bytes()
}

// A filename in GBK, as Chinese Windows clients send it raw, keeps its
// name and extension; its bytes were dropped, leaving "pdf".
func TestInputUploadGBKFilename(t *testing.T) {
	e, _, admin := vaultEnv(t, "sqlite", "disk", 0, 1<<30)
	c := e.createCase(admin, "2026-HZ-0001")
	ct, body := rawForm([2]string{`name="kind"`, "contract"},
		[2]string{`name="file"; filename="` + "\xba\xcf\xcd\xac" + `.pdf"`, string(randomBytes(2000))}) // 合同 in GBK
	r := e.send("POST", "/api/v1/cases/"+c.ID+"/evidence", admin, ct, body, nil)
	if r.Status != 201 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var ev struct{ Filename, Title string }
	r.json(t, &ev)
	if ev.Filename != "合同.pdf" || ev.Title != "合同.pdf" {
		t.Fatalf("filename %q, title %q", ev.Filename, ev.Title)
	}
}

// A text field given twice is a 422 naming it; the last one silently won
// (kind=contract then kind=invoice stored an invoice). Ten thousand copies
// of a field end at the second.
func TestInputUploadRepeatedField(t *testing.T) {
	e, _, admin := vaultEnv(t, "sqlite", "disk", 0, 1<<30)
	c := e.createCase(admin, "2026-HZ-0001")
	file := [2]string{`name="file"; filename="a.bin"`, string(randomBytes(2000))}
	many := make([][2]string, 0, 10001)
	for range 10000 {
		many = append(many, [2]string{`name="title"`, "x"})
	}
	for name, parts := range map[string][][2]string{
		"kind":  {{`name="kind"`, "contract"}, {`name="kind"`, "invoice"}, file},
		"title": append(append([][2]string{{`name="kind"`, "contract"}}, many...), file),
		"note":  {{`name="kind"`, "contract"}, file, {`name="description"`, "a"}, {`name="description"`, "b"}},
	} {
		ct, body := rawForm(parts...)
		r := e.send("POST", "/api/v1/cases/"+c.ID+"/evidence", admin, ct, body, nil)
		want := name
		if name == "note" {
			want = "description"
		}
		if r.Status != 422 {
			t.Fatalf("%s: %d %s", name, r.Status, r.Body)
		}
		if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != want {
			t.Fatalf("%s: want %s named, got %s", name, want, r.Body)
		}
	}
	if n := len(e.auditEvents("evidence.upload")); n != 3 {
		t.Fatalf("%d upload events, want the 3 refused", n)
	}
	var list struct{ Total int }
	e.do("GET", "/api/v1/cases/"+c.ID+"/evidence", admin, nil).json(t, &list)
	if list.Total != 0 {
		t.Fatalf("%d items stored from refused uploads", list.Total)
	}
}

// A complete body that the Content-Type's boundary does not split (or an
// empty one) is a malformed form that says so; it was "upload interrupted
// before the end of the body", in the answer and the audit trail, as if
// the client's connection had failed. Other malformed forms say what is
// wrong too, not only "malformed multipart body".
func TestInputUploadWrongBoundary(t *testing.T) {
	e, _, admin := vaultEnv(t, "sqlite", "disk", 0, 1<<30)
	c := e.createCase(admin, "2026-HZ-0001")
	_, body := rawForm([2]string{`name="kind"`, "contract"}, [2]string{`name="file"; filename="a.bin"`, "abc"})
	big := []byte("--XyZ\r\nContent-Disposition: form-data; name=\"kind\"\r\nX-Pad: " + strings.Repeat("p", 20<<10) + "\r\n\r\nx\r\n--XyZ--\r\n")
	for _, tc := range []struct {
		name, ct string
		body     []byte
		want     string
	}{
		{"other boundary", "multipart/form-data; boundary=other", body, `no line "--other" in the body`},
		{"empty body", "multipart/form-data; boundary=XyZ", nil, `no line "--XyZ" in the body`},
		{"huge part header", "multipart/form-data; boundary=XyZ", big, "part header larger than"},
	} {
		r := e.send("POST", "/api/v1/cases/"+c.ID+"/evidence", admin, tc.ct, tc.body, nil)
		if r.Status != 400 {
			t.Fatalf("%s: %d %s", tc.name, r.Status, r.Body)
		}
		if p := r.problem(t); !strings.Contains(p.Detail, tc.want) || strings.Contains(p.Detail, "interrupted") {
			t.Fatalf("%s: detail %q, want it to say %q", tc.name, p.Detail, tc.want)
		}
	}
}
