package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/evidence"
)

func TestEvidenceTooLarge(t *testing.T) {
	for _, store := range []string{"disk", "minio"} {
		t.Run(store, func(t *testing.T) {
			e, blobs, admin := vaultEnv(t, "sqlite", store, 0, 64<<10)
			c := e.createCase(admin, "2026-EV-0413")
			t.Run("OK/AtLimit", func(t *testing.T) {
				e.mustUpload(admin, c.ID, "photo", "ok.bin", randomBytes(64<<10), 201)
			})
			t.Run("ErrTooLarge", func(t *testing.T) {
				r := e.upload(admin, c.ID, "photo", "big.bin", randomBytes(64<<10+1))
				if r.problem(t); r.Status != 413 {
					t.Fatalf("one byte over: %d %s", r.Status, r.Body)
				}
				// Far over: refused from Content-Length before reading.
				r = e.upload(admin, c.ID, "photo", "huge.bin", randomBytes(9<<20))
				if r.problem(t); r.Status != 413 {
					t.Fatalf("far over: %d %s", r.Status, r.Body)
				}
				var list struct{ Total int }
				e.do("GET", "/api/v1/cases/"+c.ID+"/evidence", admin, nil).json(t, &list)
				if list.Total != 1 {
					t.Fatalf("%d records after refused uploads, want 1", list.Total)
				}
				n := 0
				_ = blobs.Walk(context.Background(), func(blob.Ref) error { n++; return nil })
				if n != 1 {
					t.Fatalf("%d blobs after refused uploads, want 1", n)
				}
			})
		})
	}
}

func TestEvidenceRetention(t *testing.T) {
	e, _, admin := vaultEnv(t, "sqlite", "disk", 24*time.Hour, 0)
	c := e.createCase(admin, "2026-EV-0423")
	ev := e.mustUpload(admin, c.ID, "invoice", "发票.pdf", pdfBytes, 201)
	if ev.RetainUntil == nil || ev.RetainUntil.Before(time.Now().Add(23*time.Hour)) {
		t.Fatalf("retain_until: %v", ev.RetainUntil)
	}
	r := e.do("DELETE", "/api/v1/evidence/"+ev.ID, admin, nil)
	if p := r.problem(t); r.Status != 423 || !strings.Contains(p.Detail, "retained until") {
		t.Fatalf("delete inside retention: %d %s", r.Status, r.Body)
	}
}

// Bodies that are not well-formed forms answer 400 problem+json (never a
// 500) and store nothing, first uploads and new versions alike.
func TestEvidenceMalformedForm(t *testing.T) {
	e, blobs, admin := vaultEnv(t, "sqlite", "disk", 0, 0)
	c := e.createCase(admin, "2026-EV-0410")
	first := e.mustUpload(admin, c.ID, "contract", "合同.pdf", pdfBytes, 201)

	const b = "xYz0123"
	ct := "multipart/form-data; boundary=" + b
	fileHead := "--" + b + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\r\n"
	file := string(randomBytes(300 << 10))
	bodies := map[string]string{
		"no boundary line at all":     "just some text, no form here\r\n",
		"no closing boundary":         fileHead + file,
		"cut inside the part header":  "--" + b + "\r\nContent-Disposition: form-data; na",
		"header line without a colon": "--" + b + "\r\nthis is not a header\r\n\r\nx\r\n--" + b + "--\r\n",
		"part header over 16 KiB":     "--" + b + "\r\nX-Pad: " + strings.Repeat("a", 17<<10) + "\r\n\r\nx\r\n--" + b + "--\r\n",
		"a part without a name": "--" + b + "\r\nContent-Type: text/plain\r\n\r\nx\r\n" +
			fileHead + file + "\r\n--" + b + "--\r\n",
	}
	for name, body := range bodies {
		for _, path := range []string{"/api/v1/cases/" + c.ID + "/evidence", "/api/v1/evidence/" + first.ID + "/versions"} {
			r := e.send("POST", path, admin, ct, []byte(body), nil)
			if p := r.problem(t); r.Status != 400 || p.Detail == "" {
				t.Errorf("%s, %s: %d %s", name, path, r.Status, r.Body)
			}
		}
	}
	var list struct{ Total int }
	e.do("GET", "/api/v1/cases/"+c.ID+"/evidence", admin, nil).json(t, &list)
	var versions struct{ Items []any }
	e.do("GET", "/api/v1/evidence/"+first.ID+"/versions", admin, nil).json(t, &versions)
	n := 0
	_ = blobs.Walk(context.Background(), func(blob.Ref) error { n++; return nil })
	if list.Total != 1 || len(versions.Items) != 1 || n != 1 {
		t.Errorf("after malformed forms: %d records, %d versions, %d blobs; want 1 each", list.Total, len(versions.Items), n)
	}
}

// An upload whose connection drops halfway must leave no record, no blob
// and no temp file.
func TestEvidenceInterruptedUpload(t *testing.T) {
	for _, meta := range []string{"sqlite", "postgres"} {
		t.Run(meta, func(t *testing.T) {
			e, store, admin := vaultEnv(t, meta, "disk", 0, 0)
			blobs := store.(*disk.Store)
			c := e.createCase(admin, "2026-EV-0400")
			ct, body := multipartBody(part{name: "kind", data: []byte("recording")},
				part{name: "file", filename: "录音.wav", data: randomBytes(4 << 20)})

			conn, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			w := bufio.NewWriter(conn)
			fmt.Fprintf(w, "POST /api/v1/cases/%s/evidence HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
				"Content-Type: %s\r\nContent-Length: %d\r\n\r\n", c.ID, admin, ct, len(body))
			_, _ = w.Write(body[:len(body)/2])
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			// Wait until the server has received the half, then drop.
			waitFor(t, func() bool { return tempFiles(t, blobs.Root()) > 0 || uploadEvents(e) > 0 })
			conn.Close()

			waitFor(t, func() bool { return uploadEvents(e) > 0 })
			ev := e.auditEvents("evidence.upload")[0]
			if ev.Status != 400 || !strings.Contains(ev.Detail, "interrupted") {
				t.Errorf("audit of the broken upload: %d %q", ev.Status, ev.Detail)
			}
			var list struct{ Total int }
			e.do("GET", "/api/v1/cases/"+c.ID+"/evidence", admin, nil).json(t, &list)
			if list.Total != 0 {
				t.Errorf("%d records after an interrupted upload", list.Total)
			}
			n := 0
			_ = blobs.Walk(context.Background(), func(blob.Ref) error { n++; return nil })
			if n != 0 || tempFiles(t, blobs.Root()) != 0 {
				t.Errorf("left behind: %d blobs, %d temp files", n, tempFiles(t, blobs.Root()))
			}
		})
	}
}

func uploadEvents(e *env) int { return len(e.auditEvents("evidence.upload")) }

func tempFiles(t *testing.T, root string) int {
	entries, err := os.ReadDir(filepath.Join(root, "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// waitFor polls cond: the server finishes a dropped request on its own time.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("condition not reached in 10 s")
}

// Damaging a stored blob behind the vault's back must be found.
func TestEvidenceCorruptBlob(t *testing.T) {
	for _, meta := range []string{"sqlite", "postgres"} {
		t.Run(meta, func(t *testing.T) {
			e, store, admin := vaultEnv(t, meta, "disk", 0, 0)
			blobs, v := store.(*disk.Store), e.api.Evidence
			c := e.createCase(admin, "2026-EV-0500")
			good := e.mustUpload(admin, c.ID, "statement", "流水.pdf", randomBytes(10000), 201)
			bad := e.mustUpload(admin, c.ID, "statement", "对账单.pdf", randomBytes(10000), 201)
			gone := e.mustUpload(admin, c.ID, "photo", "照片.jpg", randomBytes(10000), 201)

			p := filepath.Join(blobs.Root(), bad.SHA256[0:2], bad.SHA256[2:4], bad.SHA256)
			if err := os.Chmod(p, 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := os.OpenFile(p, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = f.WriteAt([]byte("tampered"), 5000)
			f.Close()
			gp := filepath.Join(blobs.Root(), gone.SHA256[0:2], gone.SHA256[2:4], gone.SHA256)
			if err := os.Remove(gp); err != nil {
				t.Fatal(err)
			}

			check := func(id string) evidence.Check {
				r := e.do("POST", "/api/v1/evidence/"+id+"/verify", admin, nil)
				var ck evidence.Check
				if r.json(t, &ck); r.Status != 200 {
					t.Fatalf("verify: %d %s", r.Status, r.Body)
				}
				return ck
			}
			if ck := check(good.ID); !ck.OK {
				t.Errorf("intact item reported bad: %+v", ck)
			}
			if ck := check(bad.ID); ck.OK || !strings.HasPrefix(ck.Versions[0].Problem, "corrupt") {
				t.Errorf("tampered item: %+v", ck)
			}
			if ck := check(gone.ID); ck.OK || ck.Versions[0].Problem != "missing" {
				t.Errorf("missing blob: %+v", ck)
			}
			var flagged bool
			for _, ev := range e.auditEvents("evidence.verify") {
				flagged = flagged || (ev.ObjectID == bad.ID && strings.Contains(ev.Detail, "FIXITY FAILED"))
			}
			if !flagged {
				t.Errorf("the failed fixity check is not in the audit trail")
			}

			r, err := v.VerifyEvery(context.Background(), nil)
			if err != nil || r.Items != 3 || r.Versions != 3 || r.Blobs != 3 || len(r.Bad) != 2 {
				t.Fatalf("VerifyEvery: %+v, %v", r, err)
			}
			got := map[string]string{}
			for _, m := range r.Bad {
				got[m.EvidenceID] = m.Problem
			}
			if !strings.HasPrefix(got[bad.ID], "corrupt") || got[gone.ID] != "missing" {
				t.Fatalf("VerifyEvery findings: %v", got)
			}
		})
	}
}

// On a bucket with object locking, a held item's blob is refused deletion
// by MinIO itself, and releasing the hold releases the object.
func TestEvidenceObjectLock(t *testing.T) {
	e, blobs, admin := vaultEnv(t, "sqlite", "minio-lock", 0, 0)
	c1 := e.createCase(admin, "2026-EV-0601")
	c2 := e.createCase(admin, "2026-EV-0602")
	data := randomBytes(20000)
	ev := e.mustUpload(admin, c1.ID, "recording", "通话.amr", data, 201)
	shared := e.mustUpload(admin, c2.ID, "recording", "通话.amr", data, 201)
	ctx := context.Background()

	hold := func(id string, on bool) {
		t.Helper()
		r := e.do("PUT", "/api/v1/evidence/"+id+"/hold", admin, map[string]any{"hold": on, "reason": "court order"})
		if r.Status != 200 {
			t.Fatalf("hold %v: %d %s", on, r.Status, r.Body)
		}
	}
	hold(ev.ID, true)
	hold(shared.ID, true)
	if err := blobs.Delete(ctx, ev.SHA256); !errors.Is(err, blob.ErrLocked) {
		t.Fatalf("delete of a held object: %v, want ErrLocked", err)
	}
	// One of two items sharing the blob released: the storage keeps the hold.
	hold(ev.ID, false)
	if err := blobs.Delete(ctx, ev.SHA256); !errors.Is(err, blob.ErrLocked) {
		t.Fatalf("delete while the other case still holds it: %v, want ErrLocked", err)
	}
	hold(shared.ID, false)
	if err := blobs.Delete(ctx, ev.SHA256); err != nil {
		t.Fatalf("delete after both holds lifted: %v", err)
	}
}

func TestEvidenceRetentionLock(t *testing.T) {
	e, blobs, admin := vaultEnv(t, "sqlite", "minio-lock", time.Hour, 0)
	c := e.createCase(admin, "2026-EV-0603")
	ev := e.mustUpload(admin, c.ID, "contract", "合同.pdf", pdfBytes, 201)
	if err := blobs.Delete(context.Background(), ev.SHA256); !errors.Is(err, blob.ErrLocked) {
		t.Fatalf("delete inside retention: %v, want ErrLocked", err)
	}
}

// A recording gets its duration and format at upload.
func TestEvidenceRecording(t *testing.T) {
	e, _, admin := vaultEnv(t, "sqlite", "disk", 0, 0)
	c := e.createCase(admin, "2026-EV-0700")
	wav := testWAV(8000, 1, 16, 3*8000) // 3 s of 8 kHz mono
	ev := e.mustUpload(admin, c.ID, "recording", "催收录音.wav", wav, 201)
	if ev.AudioFormat != "wav" || ev.DurationSec != 3 || !strings.Contains(ev.MediaType, "wav") {
		t.Fatalf("recording: %q %v %q", ev.AudioFormat, ev.DurationSec, ev.MediaType)
	}
	// Seeking into the recording.
	r := e.send("GET", "/api/v1/evidence/"+ev.ID+"/content", admin, "", nil, map[string]string{"Range": "bytes=44-"})
	if r.Status != http.StatusPartialContent || !bytes.Equal(r.Body, wav[44:]) {
		t.Fatalf("range into recording: %d", r.Status)
	}
}

// testWAV builds a PCM WAV of silence.
func testWAV(rate, channels, bits, frames int) []byte {
	var b bytes.Buffer
	data := frames * channels * bits / 8
	le32 := func(v int) { b.Write([]byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)}) }
	le16 := func(v int) { b.Write([]byte{byte(v), byte(v >> 8)}) }
	b.WriteString("RIFF")
	le32(36 + data)
	b.WriteString("WAVEfmt ")
	le32(16)
	le16(1)
	le16(channels)
	le32(rate)
	le32(rate * channels * bits / 8)
	le16(channels * bits / 8)
	le16(bits)
	b.WriteString("data")
	le32(data)
	b.Write(make([]byte, data))
	return b.Bytes()
}
