package httpapi_test

import (
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// A NUL character in any JSON string is bad input, named by its top-level
// field; PostgreSQL cannot store it and answered 500.
func TestTextNULInBody(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend)
			withRecovery(t, e)
			admin := e.login("admin", adminPassword)
			c := e.createCase(admin, "2026-TXT-0001")
			base := "/api/v1/cases/" + c.ID
			nulCase := sampleCase("2026-TXT-0002")
			nulCase["title"] = "a\x00b"
			nested := sampleCase("2026-TXT-0003")
			nested["debtor"].(map[string]any)["aliases"] = []string{"乙", "x\x00"}
			for _, tc := range []struct {
				name, method, path, field string
				body                      any
			}{
				{"CreateCase", "POST", "/api/v1/cases", "title", nulCase},
				{"CreateCaseNested", "POST", "/api/v1/cases", "debtor", nested},
				{"UpdateCase", "PATCH", base, "debtor", map[string]any{"debtor": map[string]any{"name": "x\x00", "kind": "person"}}},
				{"Communication", "POST", base + "/communications", "summary", map[string]any{
					"occurred_at": "2026-03-01T10:30:00+00:00", "channel": "phone", "summary": "x\x00y"}},
				{"Payment", "POST", base + "/payments", "reference", map[string]any{
					"paid_at": time.Now().UTC().Add(-time.Hour).Format(time.RFC3339), "amount": "100.00",
					"method": "bank_transfer", "reference": "r\x00"}},
				{"User", "POST", "/api/v1/users", "display_name", map[string]any{"username": "nul.user",
					"role": string(dossier.RoleCounsel), "password": "a long enough password", "display_name": "a\x00b"}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					r := e.do(tc.method, tc.path, admin, tc.body)
					wantField(t, r, 422, tc.field)
				})
			}
			// An escaped backslash before "u0000" is no NUL.
			r := e.do("POST", base+"/communications", admin, `{"occurred_at":"2026-03-01T10:30:00+00:00","channel":"phone","summary":"C:\\u0000"}`)
			if r.Status != 201 {
				t.Fatalf(`summary "C:\u0000": %d %s`, r.Status, r.Body)
			}
		})
	}
}

// A path or query parameter holding a NUL or bytes that are not UTF-8 is
// refused with 400 naming it ("path" for the path), and the refusal is
// audited. This needs s.checkText in server.go's middleware chain.
func TestTextBadPathOrQuery(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			e, _, admin := vaultEnv(t, backend, "disk", 0, 0)
			for _, tc := range []struct{ path, field string }{
				{"/api/v1/cases?q=a%00b", "q"},
				{"/api/v1/audit?q=a%00b", "q"},
				{"/api/v1/audit?actor=a%00b", "actor"},
				{"/api/v1/audit?actor=%ff", "actor"},
				{"/api/v1/cases/a%00b", "path"},
				{"/api/v1/cases/a%FFb", "path"},
				{"/api/v1/evidence/a%00b", "path"},
			} {
				t.Run(tc.path, func(t *testing.T) {
					wantField(t, e.do("GET", tc.path, admin, nil), 400, tc.field)
				})
			}
			var refused int
			for _, ev := range e.auditEvents("case.read") {
				if ev.Status == 400 && ev.Actor == "admin" {
					refused++
				}
			}
			if refused != 2 {
				t.Fatalf("audited case.read refusals: %d, want 2", refused)
			}
		})
	}
}

// A multipart text field holding a NUL or bytes that are not UTF-8 is
// refused with 422 naming it, before anything is stored.
func TestTextBadUploadFields(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			e, _, admin := vaultEnv(t, backend, "disk", 0, 0)
			c := e.createCase(admin, "2026-TXT-0101")
			first := e.mustUpload(admin, c.ID, "contract", "合同.pdf", pdfBytes, 201)
			file := part{name: "file", filename: "x.bin", data: randomBytes(64)}
			for _, tc := range []struct {
				name, path, field string
				value             string
			}{
				{"TitleNUL", "/api/v1/cases/" + c.ID + "/evidence", "title", "a\x00b"},
				{"SourceNotUTF8", "/api/v1/cases/" + c.ID + "/evidence", "source", "a\xffb"},
				{"TranscriptNUL", "/api/v1/cases/" + c.ID + "/evidence", "transcript", "x\x00"},
				{"VersionNoteNUL", "/api/v1/evidence/" + first.ID + "/versions", "note", "x\x00"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					parts := []part{{name: tc.field, data: []byte(tc.value)}, file}
					if tc.field != "note" {
						parts = append([]part{{name: "kind", data: []byte("other")}}, parts...)
					}
					ct, body := multipartBody(parts...)
					wantField(t, e.send("POST", tc.path, admin, ct, body, nil), 422, tc.field)
				})
			}
		})
	}
}
