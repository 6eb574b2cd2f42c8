package httpapi_test

import (
	"bytes"
	"testing"
)

// RFC 9110 §14.1: range unit names are case-insensitive. "Bytes=100-199"
// was ignored and the whole file sent with 200, so a client resuming a
// download started again from byte 0.
func TestRangeUnitCaseInsensitive(t *testing.T) {
	e, _, admin := vaultEnv(t, "sqlite", "disk", 0, 1<<30)
	c := e.createCase(admin, "2026-HZ-0002")
	data := randomBytes(1000)
	ev := e.mustUpload(admin, c.ID, "recording", "call.bin", data, 201)
	for _, rng := range []string{"Bytes=100-199", "BYTES=100-199", "bytes=100-199"} {
		r := e.send("GET", "/api/v1/evidence/"+ev.ID+"/content", admin, "", nil, map[string]string{"Range": rng})
		if r.Status != 206 || r.Header.Get("Content-Range") != "bytes 100-199/1000" || !bytes.Equal(r.Body, data[100:200]) {
			t.Errorf("%s: %d %q, %d bytes", rng, r.Status, r.Header.Get("Content-Range"), len(r.Body))
		}
	}
}
