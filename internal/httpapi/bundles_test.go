package httpapi_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/account"
	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/dossier"
)

// bundleEnv is the API with a bundle service on a disk blob store and a
// clock the test moves.
type bundleEnv struct {
	*env
	clock  atomic.Int64 // unix nanoseconds
	admin  string
	caseID string
	items  []*dossier.Evidence
	blobs  *disk.Store
}

func newBundleEnv(t *testing.T, backend string) *bundleEnv {
	t.Helper()
	be := &bundleEnv{env: newEnv(t, backend)}
	be.clock.Store(time.Now().UnixNano())
	bs, err := disk.New(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	svc, err := bundle.New(bundle.Config{Cases: be.store, Evidence: be.store, Bundles: be.store, Blobs: bs,
		WorkDir: filepath.Join(os.TempDir(), "dossier-bundle-test"), BaseURL: "https://dossier.example.com",
		Guesses: account.NewLimiter(3, time.Minute),
		Now:     func() time.Time { return time.Unix(0, be.clock.Load()) }})
	if err != nil {
		t.Fatal(err)
	}
	be.api.Bundles = svc
	be.blobs = bs
	be.admin = be.login("admin", adminPassword)
	be.caseID = be.createCase(be.admin, "2026-SH-0007").ID
	for i, s := range []string{"对账单：尚欠货款386,500.00元。", "催款记录：2026年7月6日电话催收。"} {
		data := []byte(s)
		ref, err := bs.Put(context.Background(), bytes.NewReader(data), "")
		if err != nil {
			t.Fatal(err)
		}
		e := &dossier.Evidence{CaseID: be.caseID, Kind: "statement", Title: fmt.Sprintf("证据材料%d", i+1),
			Filename: fmt.Sprintf("e%d.txt", i+1), MediaType: "text/plain", Size: ref.Size, SHA256: ref.SHA256,
			TextStatus: dossier.TextNone, CreatedBy: "admin", CreatedAt: time.Now().UTC()}
		if err := be.store.CreateEvidence(context.Background(), e); err != nil {
			t.Fatal(err)
		}
		be.items = append(be.items, e)
	}
	return be
}

// get fetches path with headers, returning status, headers and body.
func (be *bundleEnv) get(path, token string, hdr map[string]string) *response {
	be.t.Helper()
	req, _ := http.NewRequest("GET", be.srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		be.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// checkZip verifies a downloaded ZIP with sha256sum -c after unzip.
func checkZip(t *testing.T, r *response) {
	t.Helper()
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("download: %d %s %.200s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "b.zip")
	_ = os.WriteFile(p, r.Body, 0o600)
	if out, err := exec.Command("unzip", "-q", p, "-d", filepath.Join(dir, "x")).CombinedOutput(); err != nil {
		t.Fatalf("unzip: %v %s", err, out)
	}
	cmd := exec.Command("sha256sum", "--strict", "-c", "SHA256SUMS")
	cmd.Dir = filepath.Join(dir, "x")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sha256sum -c: %v\n%s", err, out)
	}
	if _, err := zip.NewReader(bytes.NewReader(r.Body), int64(len(r.Body))); err != nil {
		t.Fatal(err)
	}
}

func TestBundleAPI(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			be := newBundleEnv(t, backend)
			body := map[string]any{"title": "一审证据", "items": []map[string]string{
				{"evidence_id": be.items[1].ID, "purpose": "证明已催收"}, {"evidence_id": be.items[0].ID, "purpose": "证明欠款金额"}}}
			r := be.do("POST", "/api/v1/cases/"+be.caseID+"/bundles", be.admin, body)
			if r.Status != 201 {
				t.Fatalf("create: %d %s", r.Status, r.Body)
			}
			var b dossier.Bundle
			r.json(t, &b)
			if len(b.Items) != 2 || b.Items[0].EvidenceID != be.items[1].ID || b.Items[0].SHA256 != be.items[1].SHA256 {
				t.Fatalf("items not in request order / pinned: %+v", b.Items)
			}
			t.Run("ErrInvalid", func(t *testing.T) {
				r := be.do("POST", "/api/v1/cases/"+be.caseID+"/bundles", be.admin, map[string]any{"title": "x", "items": []any{}})
				if r.Status != 422 || r.problem(t).Errors[0].Field != "items" {
					t.Fatalf("%d %s", r.Status, r.Body)
				}
			})
			t.Run("ReadList", func(t *testing.T) {
				if r := be.do("GET", "/api/v1/bundles/"+b.ID, be.admin, nil); r.Status != 200 {
					t.Fatalf("get: %d %s", r.Status, r.Body)
				}
				var l struct{ Total int }
				be.do("GET", "/api/v1/cases/"+be.caseID+"/bundles", be.admin, nil).json(t, &l)
				if l.Total != 1 {
					t.Fatalf("list total %d", l.Total)
				}
			})
			t.Run("Download", func(t *testing.T) {
				r := be.get("/api/v1/bundles/"+b.ID+"/download", be.admin, nil)
				checkZip(t, r)
				if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
					t.Errorf("Content-Disposition %q", cd)
				}
			})
			t.Run("ErrInvisible", func(t *testing.T) {
				_, ext := be.user(be.admin, "lawfirm", dossier.RoleExternal)
				for _, p := range []string{"/api/v1/bundles/" + b.ID, "/api/v1/bundles/" + b.ID + "/download"} {
					if r := be.get(p, ext, nil); r.Status != 404 {
						t.Errorf("%s as ungranted external: %d", p, r.Status)
					}
				}
				if r := be.get("/api/v1/bundles/"+b.ID+"/download", "", nil); r.Status != 401 {
					t.Errorf("anonymous download: %d", r.Status)
				}
			})
			t.Run("Share", func(t *testing.T) { testShare(t, be, b.ID) })
		})
	}
}

func (be *bundleEnv) share(t *testing.T, bundleID string, max int, expires time.Duration) (token string) {
	t.Helper()
	now := time.Unix(0, be.clock.Load())
	r := be.do("POST", "/api/v1/bundles/"+bundleID+"/shares", be.admin, map[string]any{
		"expires_at": now.Add(expires).Format(time.RFC3339), "max_downloads": max, "note": "给外部律所"})
	if r.Status != 201 {
		t.Fatalf("create share: %d %s", r.Status, r.Body)
	}
	var out struct{ Token, URL string }
	r.json(t, &out)
	if len(out.Token) != 43 || out.URL != "https://dossier.example.com/s/"+out.Token {
		t.Fatalf("share answer: %+v", out)
	}
	return out.Token
}

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

func testShare(t *testing.T, be *bundleEnv, bundleID string) {
	tok := be.share(t, bundleID, 2, time.Hour)
	html := map[string]string{"Accept": browserAccept, "User-Agent": "Mozilla/5.0 test"}
	t.Run("Landing", func(t *testing.T) {
		r := be.get("/s/"+tok, "", html)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("landing: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		page := string(r.Body)
		for _, want := range []string{"2026-SH-0007", "一审证据", `href="./` + tok + `/download"`, "<dd>2</dd>", "给外部律所"} {
			if !strings.Contains(page, want) {
				t.Errorf("landing page lacks %q", want)
			}
		}
		if strings.Contains(page, "<script") || !strings.Contains(r.Header.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("landing page must have no scripts and a strict CSP")
		}
	})
	t.Run("ZipCounts", func(t *testing.T) {
		checkZip(t, be.get("/s/"+tok, "", map[string]string{"Accept": "*/*", "User-Agent": "curl/8"}))
		checkZip(t, be.get("/s/"+tok+"/download", "", html))
		for _, p := range []string{"/s/" + tok, "/s/" + tok + "/download"} {
			if r := be.get(p, "", html); r.Status != 404 {
				t.Errorf("%s after the last download: %d", p, r.Status)
			}
		}
	})
	t.Run("ListWithoutTokens", func(t *testing.T) {
		r := be.do("GET", "/api/v1/bundles/"+bundleID+"/shares", be.admin, nil)
		if r.Status != 200 || bytes.Contains(r.Body, []byte(tok)) || bytes.Contains(r.Body, []byte(account.HashToken(tok))) {
			t.Fatalf("list: %d, or it reveals the token: %s", r.Status, r.Body)
		}
		var l struct {
			Items []struct {
				Downloads int  `json:"downloads"`
				Live      bool `json:"live"`
				Log       []struct {
					IP        string `json:"ip"`
					UserAgent string `json:"user_agent"`
				} `json:"download_log"`
			} `json:"items"`
		}
		r.json(t, &l)
		if len(l.Items) != 1 || l.Items[0].Downloads != 2 || l.Items[0].Live || len(l.Items[0].Log) != 2 ||
			l.Items[0].Log[0].UserAgent != "curl/8" || l.Items[0].Log[0].IP == "" {
			t.Fatalf("share list: %s", r.Body)
		}
	})
	t.Run("Audited", func(t *testing.T) {
		if err := be.audit.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		evs, err := be.store.Events(context.Background(), dossier.AuditFilter{Action: "share."})
		if err != nil {
			t.Fatal(err)
		}
		downloads := 0
		for _, e := range evs {
			if strings.Contains(e.Detail, tok) {
				t.Fatalf("audit detail reveals the token: %+v", e)
			}
			if (e.Action == "share.download" || e.Action == "share.open") && e.Status == 200 && e.CaseID == be.caseID &&
				e.ObjectID == bundleID && strings.Contains(e.Detail, "download") {
				downloads++
			}
		}
		if downloads != 2 {
			t.Fatalf("%d audited share downloads, want 2: %+v", downloads, evs)
		}
	})
	t.Run("ErrRevoked", func(t *testing.T) {
		tok := be.share(t, bundleID, 0, time.Hour)
		if r := be.do("DELETE", "/api/v1/bundles/"+bundleID+"/shares/"+tok, be.admin, nil); r.Status != 204 {
			t.Fatalf("revoke: %d %s", r.Status, r.Body)
		}
		if r := be.get("/s/"+tok+"/download", "", nil); r.Status != 404 {
			t.Fatalf("revoked link: %d", r.Status)
		}
	})
	t.Run("RevokeByID", func(t *testing.T) {
		// The list shows share IDs, never tokens: an ID revokes too.
		tok := be.share(t, bundleID, 0, time.Hour)
		var l struct {
			Items []struct {
				ID   string `json:"id"`
				Live bool   `json:"live"`
			} `json:"items"`
		}
		be.do("GET", "/api/v1/bundles/"+bundleID+"/shares", be.admin, nil).json(t, &l)
		id := l.Items[len(l.Items)-1].ID
		if r := be.do("DELETE", "/api/v1/bundles/"+bundleID+"/shares/"+id, be.admin, nil); r.Status != 204 {
			t.Fatalf("revoke by id: %d %s", r.Status, r.Body)
		}
		if r := be.get("/s/"+tok, "", nil); r.Status != 404 {
			t.Fatalf("link revoked by id: %d", r.Status)
		}
		if r := be.do("DELETE", "/api/v1/bundles/"+bundleID+"/shares/nope", be.admin, nil); r.Status != 404 {
			t.Fatalf("revoke unknown: %d", r.Status)
		}
	})
	t.Run("ErrExpired", func(t *testing.T) {
		tok := be.share(t, bundleID, 0, time.Hour)
		if r := be.get("/s/"+tok, "", html); r.Status != 200 {
			t.Fatalf("live link: %d", r.Status)
		}
		be.clock.Add(int64(2 * time.Hour))
		defer be.clock.Add(-int64(2 * time.Hour))
		for _, p := range []string{"/s/" + tok, "/s/" + tok + "/download"} {
			if r := be.get(p, "", html); r.Status != 404 {
				t.Errorf("%s expired: %d", p, r.Status)
			}
		}
	})
	t.Run("ErrShareInput", func(t *testing.T) {
		r := be.do("POST", "/api/v1/bundles/"+bundleID+"/shares", be.admin, map[string]any{
			"expires_at": time.Now().Add(-time.Hour).Format(time.RFC3339), "max_downloads": -1})
		if r.Status != 422 || len(r.problem(t).Errors) != 2 {
			t.Fatalf("bad share input: %d %s", r.Status, r.Body)
		}
	})
	t.Run("ErrRateLimited", func(t *testing.T) {
		// The limiter allows 3 unknown tokens per IP per minute in this env.
		var r *response
		for i := 0; i < 4; i++ {
			r = be.get(fmt.Sprintf("/s/not-a-token-%d", i), "", nil)
		}
		if r.Status != 429 || r.Header.Get("Retry-After") == "" {
			t.Fatalf("after 4 bad tokens: %d %q", r.Status, r.Header.Get("Retry-After"))
		}
	})
}

// withBundles attaches a bundle service over blobs (the evidence blob
// store), for tests outside this file such as the route matrix.
func withBundles(t testing.TB, e *env, blobs blob.Store) *bundle.Service {
	t.Helper()
	svc, err := bundle.New(bundle.Config{Cases: e.store, Evidence: e.store, Documents: e.store, Bundles: e.store,
		Blobs: blobs, WorkDir: filepath.Join(os.TempDir(), "dossier-bundle-test"), BaseURL: "https://dossier.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	e.api.Bundles = svc
	return svc
}
