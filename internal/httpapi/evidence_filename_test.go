package httpapi_test

import (
	"strings"
	"testing"
)

// Browsers send a double quote in a filename as %22 (and CR, LF as %0D,
// %0A); the stored name kept "%22". It is decoded, then made safe as any
// name is (the quote becomes "_", the line break is dropped).
func TestInputUploadBrowserEscapedFilename(t *testing.T) {
	e, _, admin := vaultEnv(t, "sqlite", "disk", 0, 1<<30)
	c := e.createCase(admin, "2026-HZ-0005")
	tests := []struct{ name, sent, want string }{
		{"ErrQuote", `say %22hi%22.pdf`, "say _hi_.pdf"},
		{"ErrNewline", `对账单%0D%0A三月.pdf`, "对账单三月.pdf"},
		{"OKPercent", `100%25 done.pdf`, "100%25 done.pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct, body := rawForm([2]string{`name="kind"`, "contract"},
				[2]string{`name="file"; filename="` + tt.sent + `"`, string(randomBytes(2000))})
			r := e.send("POST", "/api/v1/cases/"+c.ID+"/evidence", admin, ct, body, nil)
			if r.Status != 201 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			var ev struct{ Filename string }
			r.json(t, &ev)
			if ev.Filename != tt.want {
				t.Errorf("filename %q, want %q", ev.Filename, tt.want)
			}
		})
	}
}

// An unquoted UTF-8 filename makes the Content-Disposition unreadable; it
// was refused with "has no Content-Disposition form-data with a name",
// which sent the client looking for a missing header. It is still 400,
// saying what is wrong.
func TestInputUploadUnreadableDisposition(t *testing.T) {
	e, _, admin := vaultEnv(t, "sqlite", "disk", 0, 1<<30)
	c := e.createCase(admin, "2026-HZ-0006")
	ct, body := rawForm([2]string{`name="kind"`, "contract"},
		[2]string{`name="file"; filename=合同.pdf`, string(randomBytes(2000))})
	r := e.send("POST", "/api/v1/cases/"+c.ID+"/evidence", admin, ct, body, nil)
	if r.Status != 400 {
		t.Fatalf("%d %s, want 400", r.Status, r.Body)
	}
	p := r.problem(t)
	if strings.Contains(p.Detail, "has no Content-Disposition") || !strings.Contains(p.Detail, "part 2") ||
		!strings.Contains(p.Detail, "double quotes") {
		t.Errorf("detail %q does not say what is wrong", p.Detail)
	}
}
