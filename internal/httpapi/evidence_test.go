package httpapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/blob/s3"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/evidence"
	"github.com/dossier/dossier/internal/testenv"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.Stop()
	os.Exit(code)
}

// newBlobs returns a fresh blob store: "disk", "minio" (a new bucket on
// the test MinIO) or "minio-lock" (a new bucket with object locking).
func newBlobs(tb testing.TB, kind string) blob.Store {
	tb.Helper()
	if kind == "disk" {
		s, err := disk.New(filepath.Join(tb.TempDir(), "blobs"))
		if err != nil {
			tb.Fatal(err)
		}
		return s
	}
	srv := testenv.MinIO(tb)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	s, err := s3.New(context.Background(), s3.Config{Endpoint: srv.Endpoint, Bucket: "ev-" + hex.EncodeToString(b),
		AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, ObjectLocking: kind == "minio-lock"})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// withVault attaches an evidence vault over the given blob store.
func withVault(t testing.TB, e *env, blobs blob.Store, retention time.Duration, maxUpload int64) *evidence.Vault {
	t.Helper()
	v := &evidence.Vault{Store: e.store, Blobs: blobs, Now: time.Now, Retention: retention, MaxUpload: maxUpload}
	e.api.Evidence = v
	return v
}

// vaultEnv is an API on metadata backend meta with an evidence vault on a
// blob store of kind store (see newBlobs), and a signed-in admin's token.
func vaultEnv(t *testing.T, meta, store string, retention time.Duration, maxUpload int64) (*env, blob.Store, string) {
	t.Helper()
	e := newEnv(t, meta)
	blobs := newBlobs(t, store)
	withVault(t, e, blobs, retention, maxUpload)
	return e, blobs, e.login("admin", adminPassword)
}

// part is one multipart part; file parts have a filename.
type part struct {
	name, filename string
	data           []byte
}

func multipartBody(parts ...part) (string, []byte) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range parts {
		if p.filename == "" {
			_ = w.WriteField(p.name, string(p.data))
			continue
		}
		h := textproto.MIMEHeader{}
		// Raw UTF-8 in the quoted filename, as browsers send it.
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.name, p.filename))
		h.Set("Content-Type", "application/octet-stream")
		pw, _ := w.CreatePart(h)
		_, _ = pw.Write(p.data)
	}
	_ = w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

func (e *env) send(method, path, token, ctype string, body []byte, hdr map[string]string) *response {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// upload posts kind and title before the file, as API.md recommends.
func (e *env) upload(token, caseID, kind, filename string, data []byte) *response {
	e.t.Helper()
	ct, body := multipartBody(part{name: "kind", data: []byte(kind)}, part{name: "title", data: []byte("证据 " + filename)},
		part{name: "file", filename: filename, data: data})
	return e.send("POST", "/api/v1/cases/"+caseID+"/evidence", token, ct, body, nil)
}

func (e *env) mustUpload(token, caseID, kind, filename string, data []byte, want int) dossier.Evidence {
	e.t.Helper()
	r := e.upload(token, caseID, kind, filename, data)
	if r.Status != want {
		e.t.Fatalf("upload %s: %d %s", filename, r.Status, r.Body)
	}
	var ev dossier.Evidence
	r.json(e.t, &ev)
	return ev
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func hexSHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// auditEvents returns the evidence events recorded so far.
func (e *env) auditEvents(action string) []*dossier.Event {
	e.t.Helper()
	if err := e.audit.Flush(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	evs, err := e.store.Events(context.Background(), dossier.AuditFilter{Action: action, Limit: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	return evs
}

var pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func TestEvidenceAPI(t *testing.T) {
	for _, meta := range []string{"sqlite", "postgres"} {
		for _, store := range []string{"disk", "minio"} {
			t.Run(meta+"/"+store, func(t *testing.T) { testEvidenceAPI(t, meta, store) })
		}
	}
}

func testEvidenceAPI(t *testing.T, meta, store string) {
	e, blobs, admin := vaultEnv(t, meta, store, 0, 0)
	c1 := e.createCase(admin, "2026-EV-0001")
	c2 := e.createCase(admin, "2026-EV-0002")
	// A PDF under a misleading name and a traversal path: the type comes
	// from the bytes, the name loses its path.
	contract := append(append([]byte{}, pdfBytes...), randomBytes(200<<10)...)
	first := e.mustUpload(admin, c1.ID, "contract", "../../etc/借款合同 v1.txt", contract, 201)

	t.Run("OK", func(t *testing.T) {
		if first.SHA256 != hexSHA(contract) || first.Size != int64(len(contract)) || first.Version != 1 {
			t.Fatalf("digest/size/version: %+v", first)
		}
		if first.Filename != "借款合同 v1.txt" || first.MediaType != "application/pdf" || first.TextStatus != "pending" {
			t.Fatalf("filename/type/status: %q %q %q", first.Filename, first.MediaType, first.TextStatus)
		}
		if first.Kind != "contract" || first.Title != "证据 ../../etc/借款合同 v1.txt" || first.CaseID != c1.ID || first.CreatedBy == "" {
			t.Fatalf("metadata: %+v", first)
		}
		r := e.do("GET", "/api/v1/evidence/"+first.ID, admin, nil)
		var got dossier.Evidence
		if r.json(t, &got); r.Status != 200 || got.SHA256 != first.SHA256 {
			t.Fatalf("get: %d %s", r.Status, r.Body)
		}
		if _, err := blobs.Stat(context.Background(), first.SHA256); err != nil {
			t.Fatalf("blob not stored: %v", err)
		}
	})

	t.Run("OK/FieldsAfterFile", func(t *testing.T) {
		data := randomBytes(5000)
		ct, body := multipartBody(part{name: "file", filename: "chat.txt", data: data},
			part{name: "kind", data: []byte("chat")}, part{name: "occurred_at", data: []byte("2026-03-01")},
			part{name: "source", data: []byte("微信导出")})
		r := e.send("POST", "/api/v1/cases/"+c1.ID+"/evidence", admin, ct, body, nil)
		var ev dossier.Evidence
		if r.json(t, &ev); r.Status != 201 || ev.Kind != "chat" || ev.Source != "微信导出" || ev.OccurredAt == nil ||
			ev.OccurredAt.Format("2006-01-02") != "2026-03-01" {
			t.Fatalf("fields after the file: %d %s", r.Status, r.Body)
		}
	})

	// The client may declare the file's SHA-256; bytes that differ are
	// refused with a 422 naming the field and the digest received.
	t.Run("OK/DeclaredSHA256", func(t *testing.T) {
		data := randomBytes(7000)
		sum := sha256.Sum256(data)
		ct, body := multipartBody(part{name: "kind", data: []byte("email")},
			part{name: "sha256", data: []byte(hex.EncodeToString(sum[:]))}, part{name: "file", filename: "mail.eml", data: data})
		r := e.send("POST", "/api/v1/cases/"+c1.ID+"/evidence", admin, ct, body, nil)
		var ev dossier.Evidence
		if r.json(t, &ev); r.Status != 201 || ev.SHA256 != hex.EncodeToString(sum[:]) {
			t.Fatalf("declared sha256: %d %s", r.Status, r.Body)
		}
	})

	t.Run("ErrDeclaredSHA256", func(t *testing.T) {
		data, other := randomBytes(7000), sha256.Sum256([]byte("other"))
		sum := sha256.Sum256(data)
		ct, body := multipartBody(part{name: "kind", data: []byte("email")},
			part{name: "sha256", data: []byte(hex.EncodeToString(other[:]))}, part{name: "file", filename: "mail.eml", data: data})
		r := e.send("POST", "/api/v1/cases/"+c1.ID+"/evidence", admin, ct, body, nil)
		if p := r.problem(t); r.Status != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "sha256" ||
			!strings.Contains(p.Errors[0].Message, hex.EncodeToString(sum[:])) {
			t.Fatalf("wrong declared sha256: %d %s", r.Status, r.Body)
		}
		if _, err := blobs.Stat(context.Background(), hex.EncodeToString(sum[:])); !errors.Is(err, blob.ErrNotExist) {
			t.Fatalf("refused bytes stored: %v", err)
		}
		// The trail says why: the refusal names the digest received.
		evs := e.auditEvents("evidence.upload")
		if last := evs[len(evs)-1]; last.Status != 422 || !strings.Contains(last.Detail, "sha256: does not match") ||
			!strings.Contains(last.Detail, hex.EncodeToString(sum[:])) {
			t.Fatalf("audit event of the refused upload: %d %q", last.Status, last.Detail)
		}
	})

	t.Run("OK/DedupeSameCase", func(t *testing.T) {
		again := e.mustUpload(admin, c1.ID, "invoice", "other-name.pdf", contract, 200)
		if again.ID != first.ID || again.Kind != "contract" {
			t.Fatalf("dedupe returned %+v, want the first item", again)
		}
	})

	t.Run("OK/SharedBlobAcrossCases", func(t *testing.T) {
		other := e.mustUpload(admin, c2.ID, "contract", "copy.pdf", contract, 201)
		if other.ID == first.ID || other.CaseID != c2.ID || other.SHA256 != first.SHA256 {
			t.Fatalf("cross-case upload: %+v", other)
		}
	})

	t.Run("OK/Content", func(t *testing.T) {
		r := e.do("GET", "/api/v1/evidence/"+first.ID+"/content", admin, nil)
		if r.Status != 200 || !bytes.Equal(r.Body, contract) {
			t.Fatalf("content: %d, %d bytes", r.Status, len(r.Body))
		}
		sum := sha256.Sum256(contract)
		b64 := base64.StdEncoding.EncodeToString(sum[:])
		want := map[string]string{
			"ETag": `"` + first.SHA256 + `"`, "Repr-Digest": "sha-256=:" + b64 + ":", "Digest": "SHA-256=" + b64,
			"Accept-Ranges": "bytes", "Content-Type": "application/pdf", "Content-Length": fmt.Sprint(len(contract)),
			"Content-Disposition": `attachment; filename="____ v1.txt"; filename*=UTF-8''%E5%80%9F%E6%AC%BE%E5%90%88%E5%90%8C%20v1.txt`,
		}
		for k, v := range want {
			if got := r.Header.Get(k); got != v {
				t.Errorf("%s = %q, want %q", k, got, v)
			}
		}
	})

	t.Run("OK/Range", func(t *testing.T) {
		n := len(contract)
		for _, tc := range []struct {
			rng        string
			start, end int // [start, end)
		}{
			{"bytes=0-99", 0, 100},
			{"bytes=1000-", 1000, n},
			{"bytes=-500", n - 500, n},
			{fmt.Sprintf("bytes=%d-%d", n-10, n+5000), n - 10, n},
		} {
			r := e.send("GET", "/api/v1/evidence/"+first.ID+"/content", admin, "", nil, map[string]string{"Range": tc.rng})
			wantCR := fmt.Sprintf("bytes %d-%d/%d", tc.start, tc.end-1, n)
			if r.Status != 206 || !bytes.Equal(r.Body, contract[tc.start:tc.end]) || r.Header.Get("Content-Range") != wantCR {
				t.Errorf("%s: %d %q, %d bytes", tc.rng, r.Status, r.Header.Get("Content-Range"), len(r.Body))
			}
		}
	})

	t.Run("ErrRange", func(t *testing.T) {
		r := e.send("GET", "/api/v1/evidence/"+first.ID+"/content", admin, "", nil,
			map[string]string{"Range": fmt.Sprintf("bytes=%d-", len(contract))})
		if r.problem(t); r.Status != 416 || r.Header.Get("Content-Range") != fmt.Sprintf("bytes */%d", len(contract)) {
			t.Fatalf("unsatisfiable range: %d %q", r.Status, r.Header.Get("Content-Range"))
		}
	})

	t.Run("OK/NotModified", func(t *testing.T) {
		r := e.send("GET", "/api/v1/evidence/"+first.ID+"/content", admin, "", nil,
			map[string]string{"If-None-Match": `"` + first.SHA256 + `"`})
		if r.Status != 304 || len(r.Body) != 0 {
			t.Fatalf("If-None-Match: %d", r.Status)
		}
	})

	t.Run("OK/Versions", func(t *testing.T) {
		v2 := append(append([]byte{}, pdfBytes...), randomBytes(1000)...)
		ct, body := multipartBody(part{name: "note", data: []byte("signed copy")}, part{name: "file", filename: "借款合同 v2.pdf", data: v2})
		r := e.send("POST", "/api/v1/evidence/"+first.ID+"/versions", admin, ct, body, nil)
		var ev dossier.Evidence
		if r.json(t, &ev); r.Status != 201 || ev.Version != 2 || ev.SHA256 != hexSHA(v2) || ev.Filename != "借款合同 v2.pdf" {
			t.Fatalf("new version: %d %s", r.Status, r.Body)
		}
		var vs struct{ Items []dossier.EvidenceVersion }
		e.do("GET", "/api/v1/evidence/"+first.ID+"/versions", admin, nil).json(t, &vs)
		if len(vs.Items) != 2 || vs.Items[0].SHA256 != first.SHA256 || vs.Items[1].Note != "signed copy" {
			t.Fatalf("versions: %+v", vs.Items)
		}
		for n, want := range map[string][]byte{"1": contract, "2": v2} {
			r := e.do("GET", "/api/v1/evidence/"+first.ID+"/versions/"+n+"/content", admin, nil)
			if r.Status != 200 || !bytes.Equal(r.Body, want) {
				t.Errorf("version %s content: %d", n, r.Status)
			}
		}
		if r := e.do("GET", "/api/v1/evidence/"+first.ID+"/content", admin, nil); !bytes.Equal(r.Body, v2) {
			t.Errorf("current content is not version 2")
		}
		if r := e.do("GET", "/api/v1/evidence/"+first.ID+"/versions/3/content", admin, nil); r.Status != 404 {
			t.Errorf("version 3: %d", r.Status)
		}
		// Re-sending the current bytes changes nothing.
		r = e.send("POST", "/api/v1/evidence/"+first.ID+"/versions", admin, ct, body, nil)
		if r.json(t, &ev); r.Status != 200 || ev.Version != 2 {
			t.Errorf("same bytes again: %d %s", r.Status, r.Body)
		}
	})

	t.Run("OK/Verify", func(t *testing.T) {
		r := e.do("POST", "/api/v1/evidence/"+first.ID+"/verify", admin, nil)
		var ck evidence.Check
		if r.json(t, &ck); r.Status != 200 || !ck.OK || len(ck.Versions) != 2 || ck.CheckedAt.IsZero() || ck.SHA256 == "" {
			t.Fatalf("verify: %d %s", r.Status, r.Body)
		}
	})

	t.Run("OK/HoldThenDelete", func(t *testing.T) {
		ev := e.mustUpload(admin, c2.ID, "letter", "催告函.pdf", randomBytes(3000), 201)
		r := e.do("PUT", "/api/v1/evidence/"+ev.ID+"/hold", admin, map[string]any{"hold": true})
		if p := r.problem(t); r.Status != 422 || p.Errors[0].Field != "reason" {
			t.Fatalf("hold without reason: %d %s", r.Status, r.Body)
		}
		r = e.do("PUT", "/api/v1/evidence/"+ev.ID+"/hold", admin, map[string]any{"hold": true, "reason": "诉讼保全"})
		var held dossier.Evidence
		if r.json(t, &held); r.Status != 200 || !held.Hold || held.HoldReason != "诉讼保全" {
			t.Fatalf("hold: %d %s", r.Status, r.Body)
		}
		if r := e.do("DELETE", "/api/v1/evidence/"+ev.ID, admin, nil); r.Status != 423 {
			t.Fatalf("delete under hold: %d %s", r.Status, r.Body)
		}
		e.do("PUT", "/api/v1/evidence/"+ev.ID+"/hold", admin, map[string]any{"hold": false})
		if r := e.do("DELETE", "/api/v1/evidence/"+ev.ID, admin, nil); r.Status != 204 {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		var list struct {
			Items []dossier.Evidence
			Total int
		}
		e.do("GET", "/api/v1/cases/"+c2.ID+"/evidence", admin, nil).json(t, &list)
		for _, it := range list.Items {
			if it.ID == ev.ID {
				t.Fatalf("tombstoned item still listed")
			}
		}
		e.do("GET", "/api/v1/cases/"+c2.ID+"/evidence?include_deleted=true", admin, nil).json(t, &list)
		if list.Total != 2 {
			t.Fatalf("include_deleted: %d items", list.Total)
		}
		if _, err := blobs.Stat(context.Background(), ev.SHA256); err != nil {
			t.Fatalf("tombstone removed the bytes: %v", err)
		}
		if r := e.do("DELETE", "/api/v1/evidence/"+ev.ID, admin, nil); r.Status != 404 {
			t.Fatalf("second delete: %d", r.Status)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		for name, parts := range map[string][]part{
			"file":  {{name: "kind", data: []byte("contract")}},
			"kind":  {{name: "kind", data: []byte("rumour")}, {name: "file", filename: "a.txt", data: []byte("x")}},
			"kind ": {{name: "file", filename: "a.txt", data: []byte("late kind")}, {name: "kind", data: []byte("rumour")}},
			"color": {{name: "color", data: []byte("red")}, {name: "file", filename: "a.txt", data: []byte("y")}},
		} {
			ct, body := multipartBody(parts...)
			r := e.send("POST", "/api/v1/cases/"+c1.ID+"/evidence", admin, ct, body, nil)
			p := r.problem(t)
			if r.Status != 422 || len(p.Errors) == 0 || p.Errors[0].Field != strings.TrimSpace(name) {
				t.Errorf("%s: %d %s", name, r.Status, r.Body)
			}
		}
		r := e.do("POST", "/api/v1/cases/"+c1.ID+"/evidence", admin, map[string]string{"kind": "contract"})
		if r.problem(t); r.Status != 415 {
			t.Errorf("JSON body: %d", r.Status)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		if r := e.upload(admin, "no-such-case", "contract", "a.pdf", pdfBytes); r.problem(t).Status != 404 {
			t.Errorf("unknown case: %d", r.Status)
		}
		_, ext := e.user(admin, "outsider", dossier.RoleExternal)
		if r := e.upload(ext, c1.ID, "contract", "a.pdf", pdfBytes); r.Status != 404 {
			t.Errorf("invisible case: %d", r.Status)
		}
		for _, path := range []string{"", "/content", "/versions"} {
			if r := e.do("GET", "/api/v1/evidence/"+first.ID+path, ext, nil); r.Status != 404 {
				t.Errorf("invisible item %s: %d", path, r.Status)
			}
		}
	})

	t.Run("OK/Audit", func(t *testing.T) {
		for _, action := range []string{"evidence.upload", "evidence.download", "evidence.verify", "evidence.hold",
			"evidence.read", "evidence.versions", "evidence.upload_version", "evidence.delete"} {
			evs := e.auditEvents(action)
			if len(evs) == 0 {
				t.Errorf("no %s events", action)
				continue
			}
			ok := false
			for _, ev := range evs {
				ok = ok || (ev.ObjectType == "evidence" && ev.ObjectID != "" && ev.CaseID != "")
			}
			if !ok {
				t.Errorf("%s events lack object or case: %+v", action, evs[0])
			}
		}
		var sawRange bool
		for _, ev := range e.auditEvents("evidence.download") {
			sawRange = sawRange || (ev.Status == 206 && strings.Contains(ev.Detail, "range"))
		}
		if !sawRange {
			t.Errorf("range downloads are not recorded as such")
		}
	})
}
