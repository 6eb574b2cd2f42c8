package httpapi_test

import (
	"bytes"
	"testing"
)

// Range positions too large for int64 are positions all the same: a
// last-pos or a suffix past the end means the end, a first-pos past it is
// 416. They were ignored and the whole file sent with 200, so a client
// resuming at byte N with an open-ended big last-pos got byte 0 again.
func TestInputRangeHugeNumbers(t *testing.T) {
	e, _, admin := vaultEnv(t, "sqlite", "disk", 0, 1<<30)
	c := e.createCase(admin, "2026-HZ-0001")
	data := randomBytes(1000)
	ev := e.mustUpload(admin, c.ID, "recording", "call.bin", data, 201)
	path := "/api/v1/evidence/" + ev.ID + "/content"
	huge := "99999999999999999999999999"
	for _, tc := range []struct {
		rng    string
		status int
		cr     string
		body   []byte
	}{
		{"bytes=100-" + huge, 206, "bytes 100-999/1000", data[100:]},
		{"bytes=-" + huge, 206, "bytes 0-999/1000", data},
		{"bytes=" + huge + "-", 416, "bytes */1000", nil},
		{"bytes=" + huge + "-" + huge, 416, "bytes */1000", nil},
		{"bytes=0-9", 206, "bytes 0-9/1000", data[:10]},
		{"bytes=x-9", 200, "", data},
	} {
		r := e.send("GET", path, admin, "", nil, map[string]string{"Range": tc.rng})
		if r.Status != tc.status || r.Header.Get("Content-Range") != tc.cr {
			t.Fatalf("%s: %d %q %.200s", tc.rng, r.Status, r.Header.Get("Content-Range"), r.Body)
		}
		if tc.body != nil && !bytes.Equal(r.Body, tc.body) {
			t.Fatalf("%s: %d bytes, not the range asked for", tc.rng, len(r.Body))
		}
		if tc.status == 416 {
			r.problem(t)
		}
	}
}
