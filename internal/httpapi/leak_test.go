package httpapi_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

// ourGoroutines returns the stacks of the goroutines running this module's
// code, other than the tests' own and the test MinIO's (net/http's idle
// connections and the like come and go with the client and are not
// counted).
func ourGoroutines() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "github.com/dossier/dossier/internal/") && !strings.Contains(g, "testing.tRunner") &&
			!strings.Contains(g, "internal/testenv.") {
			out = append(out, g)
		}
	}
	return out
}

// settleGoroutines waits until no more of our goroutines run than want.
func settleGoroutines(t *testing.T, want int, what string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		gs := ourGoroutines()
		if len(gs) <= want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d goroutines left running, want %d:\n%s", what, len(gs), want, strings.Join(gs, "\n\n"))
		}
	}
}

// An upload whose client goes away midway, a download and a bundle ZIP
// that the client stops reading leave no goroutine of the upload pipeline,
// the checked download or the ZIP streaming behind, on either blob store.
func TestClientGoneLeavesNoGoroutines(t *testing.T) {
	for _, store := range []string{"disk", "minio"} {
		t.Run(store, func(t *testing.T) {
			e, blobs, admin := vaultEnv(t, "sqlite", store, 0, 0)
			withBundles(t, e, blobs)
			caseID := e.createCase(admin, "2026-SH-0211").ID
			data := randomBytes(24 << 20) // multipart on S3, hashed beside the copy on download
			ev := e.mustUpload(admin, caseID, "statement", "对账单.bin", data, 201)
			r := e.do("POST", "/api/v1/cases/"+caseID+"/bundles", admin, map[string]any{"title": "证据",
				"items": []map[string]string{{"evidence_id": ev.ID, "purpose": "证明欠款"}}})
			if r.Status != 201 {
				t.Fatalf("create bundle: %d %s", r.Status, r.Body)
			}
			var b struct{ ID string }
			r.json(t, &b)
			settleGoroutines(t, 1, "before") // the audit writer
			base := len(ourGoroutines())

			// The upload stops after half its declared body.
			ct, body := multipartBody(part{name: "kind", data: []byte("statement")},
				part{name: "file", filename: "半途.bin", data: randomBytes(24 << 20)})
			conn, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(conn, "POST /api/v1/cases/%s/evidence HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
				"Content-Type: %s\r\nContent-Length: %d\r\n\r\n", caseID, admin, ct, len(body))
			if _, err := io.Copy(conn, bytes.NewReader(body[:len(body)/2])); err != nil {
				t.Fatal(err)
			}
			conn.Close()
			settleGoroutines(t, base, "upload cut off")

			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			for _, path := range []string{"/api/v1/evidence/" + ev.ID + "/content", "/api/v1/bundles/" + b.ID + "/download"} {
				req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
				req.Header.Set("Authorization", "Bearer "+admin)
				res, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				if res.StatusCode != 200 {
					t.Fatalf("%s: %d", path, res.StatusCode)
				}
				if _, err := io.ReadFull(res.Body, make([]byte, 64<<10)); err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				settleGoroutines(t, base, path+" left midway")
			}
		})
	}
}
