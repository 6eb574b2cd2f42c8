package httpapi_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// RFC 9110 §13.1.1: a GET whose If-Match names no current ETag is 412. A
// client resuming the download of version 1 with If-Match and Range got
// the rest of version 2 after a new version was added: mixed bytes.
func TestEvidenceContentIfMatch(t *testing.T) {
	e, _, admin := vaultEnv(t, "sqlite", "disk", 0, 1<<30)
	c := e.createCase(admin, "2026-HZ-0003")
	v1, v2 := randomBytes(1000), randomBytes(1200)
	ev := e.mustUpload(admin, c.ID, "recording", "call.bin", v1, 201)
	tag1 := `"` + ev.SHA256 + `"`
	ct, body := multipartBody(part{name: "file", filename: "call.bin", data: v2})
	if r := e.send("POST", "/api/v1/evidence/"+ev.ID+"/versions", admin, ct, body, nil); r.Status != 201 {
		t.Fatalf("new version: %d %s", r.Status, r.Body)
	}
	current := "/api/v1/evidence/" + ev.ID + "/content"
	first := "/api/v1/evidence/" + ev.ID + "/versions/1/content"
	tag2 := e.send("GET", current, admin, "", nil, nil).Header.Get("ETag")
	if tag2 == "" || tag2 == tag1 {
		t.Fatalf("ETag of version 2 %q, of version 1 %q", tag2, tag1)
	}
	tests := []struct {
		name, method, path, ifMatch string
		status                      int
		want                        []byte
	}{
		{"OK", "GET", first, tag1, 206, v1[100:]},
		{"OKStar", "GET", current, "*", 206, v2[100:]},
		{"OKList", "GET", current, tag1 + ", " + tag2, 206, v2[100:]},
		{"OKEmpty", "GET", current, "", 206, v2[100:]},
		{"ErrChanged", "GET", current, tag1, 412, nil},
		{"ErrOtherVersion", "GET", first, tag2, 412, nil},
		{"ErrWeak", "GET", first, "W/" + tag1, 412, nil},
		{"ErrUnquoted", "GET", first, strings.Trim(tag1, `"`), 412, nil},
		{"ErrHead", "HEAD", current, tag1, 412, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := map[string]string{"Range": "bytes=100-"}
			if tt.ifMatch != "" {
				hdr["If-Match"] = tt.ifMatch
			}
			r := e.send(tt.method, tt.path, admin, "", nil, hdr)
			if r.Status != tt.status {
				t.Fatalf("%d (%d bytes), want %d", r.Status, len(r.Body), tt.status)
			}
			if tt.status == 412 {
				if tt.method == "GET" {
					if p := r.problem(t); p.Status != 412 || !strings.Contains(p.Detail, "If-Match") {
						t.Errorf("problem %+v", p)
					}
				}
				return
			}
			if !bytes.Equal(r.Body, tt.want) {
				t.Errorf("%d bytes, not the expected range of the version", len(r.Body))
			}
		})
	}
	// If-Match is decided before If-None-Match (RFC 9110 §13.2.2): a
	// matching If-None-Match does not turn a failed If-Match into 304.
	r := e.send("GET", current, admin, "", nil, map[string]string{"If-Match": tag1, "If-None-Match": tag2})
	if r.Status != http.StatusPreconditionFailed {
		t.Errorf("If-Match and If-None-Match: %d, want 412", r.Status)
	}
}

// A version number is a plain decimal: "+1", "01" and "1.0" were read as
// version 1 (strconv.Atoi takes a sign and leading zeros). Like any path
// parameter naming nothing, they are 404.
func TestEvidenceVersionNumberSyntax(t *testing.T) {
	e, _, admin := vaultEnv(t, "sqlite", "disk", 0, 1<<30)
	c := e.createCase(admin, "2026-HZ-0004")
	data := randomBytes(500)
	ev := e.mustUpload(admin, c.ID, "contract", "c.bin", data, 201)
	tests := []struct {
		name, n string
		status  int
	}{
		{"OK", "1", 200},
		{"ErrPlus", "+1", 404},
		{"ErrPlusEscaped", "%2B1", 404},
		{"ErrLeadingZero", "01", 404},
		{"ErrZeros", "001", 404},
		{"ErrZero", "0", 404},
		{"ErrMinus", "-1", 404},
		{"ErrSpace", "%201", 404},
		{"ErrHuge", "99999999999999999999", 404},
		{"ErrAbsent", "2", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, method := range []string{"GET", "HEAD"} {
				r := e.send(method, "/api/v1/evidence/"+ev.ID+"/versions/"+tt.n+"/content", admin, "", nil, nil)
				if r.Status != tt.status {
					t.Fatalf("%s: %d (%d bytes), want %d", method, r.Status, len(r.Body), tt.status)
				}
				if method == "GET" && tt.status == 200 && !bytes.Equal(r.Body, data) {
					t.Fatalf("GET: wrong bytes")
				}
			}
		})
	}
}
