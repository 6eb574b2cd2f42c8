package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// The writes below SIGKILL the real `dossier serve` (start, crashEnv and the
// helpers of crash_test.go) while clients keep writing, restart it on the
// same stores, and check that every write answered 2xx is there, whole, and
// audited.

// crashStores are the store pairs each crash test runs on: the embedded
// defaults and the production pair.
var crashStores = []struct{ meta, blobs string }{{"sqlite", "disk"}, {"postgres", "minio"}}

// send makes one request; err is a transport failure (the server killed).
// body is JSON unless it is an io.Reader with contentType.
func send(method, url, token, requestID string, body any) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if requestID != "" {
		req.Header.Set("X-Request-ID", requestID)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// killer SIGKILLs p the first time it is called with n >= at: called by the
// client that just received an answer, it kills the server before anything
// it does after answering (a queued audit event, say) can finish.
type killer struct {
	p    *proc
	at   int64
	n    atomic.Int64
	once sync.Once
}

func (k *killer) answered() {
	if k.n.Add(1) >= k.at {
		k.once.Do(func() { _ = k.p.cmd.Process.Kill() })
	}
}

// wait kills p if no client did (the server died first is an error), and
// waits for it to exit.
func (k *killer) wait(t *testing.T) {
	t.Helper()
	k.once.Do(func() { t.Errorf("the server was not killed: only %d answers", k.n.Load()); _ = k.p.cmd.Process.Kill() })
	<-k.p.done
}

func newCase(t *testing.T, url, token, number string) string {
	t.Helper()
	status, c := post(t, url+"/api/v1/cases", token, map[string]any{"number": number, "principal": "386500.00",
		"due_date": "2025-01-01", "contract_no": "HT-2025-001", "creditor": map[string]string{"name": "杭州甲贸易有限公司"},
		"debtor": map[string]string{"name": "乙科技有限公司"}})
	if status != 201 {
		t.Fatalf("create case: %d %v", status, c)
	}
	return c["id"].(string)
}

// auditEvents pages through the whole trail.
func auditEvents(t *testing.T, url, token string) []map[string]any {
	t.Helper()
	var all []map[string]any
	cursor := ""
	for {
		status, b := get(t, url+"/api/v1/audit?limit=500&cursor="+cursor, token)
		var page struct {
			Items []map[string]any
			Next  string
		}
		if err := json.Unmarshal(b, &page); status != 200 || err != nil {
			t.Fatalf("audit: %d %s", status, b)
		}
		all = append(all, page.Items...)
		if page.Next == "" {
			return all
		}
		cursor = page.Next
	}
}

// Every write answered 2xx before a SIGKILL has its audit event after the
// restart, and the chain verifies, by the API and by `dossier audit verify`.
// The event used to be queued after the answer went out and stored up to
// 10 ms later (the writer batches), so a crash lost the custody record of
// changes the client had been told were made.
func TestCrashAuditUnderLoad(t *testing.T) {
	for _, tc := range crashStores {
		t.Run(tc.meta+"/"+tc.blobs, func(t *testing.T) {
			data, env, p, token := startCrash(t, tc.meta, tc.blobs)
			caseID := newCase(t, p.url, token, "AUDIT-0")

			k := &killer{p: p, at: 60}
			var (
				mu       sync.Mutex
				answered = map[string]int{} // request ID → status
				wg       sync.WaitGroup
			)
			for w := 0; w < 6; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						rid := fmt.Sprintf("crash-%d-%d", w, i)
						var status int
						var err error
						switch i % 3 {
						case 0: // a read beside the writes fills the audit queue
							status, _, err = send("GET", p.url+"/api/v1/cases/"+caseID, token, "", nil)
						case 1:
							status, _, err = send("POST", p.url+"/api/v1/cases", token, rid, map[string]any{
								"number": "AUDIT-" + rid, "principal": "100.00", "due_date": "2026-01-01",
								"creditor": map[string]string{"name": "甲"}, "debtor": map[string]string{"name": "乙"}})
						default:
							status, _, err = send("PATCH", p.url+"/api/v1/cases/"+caseID, token, rid,
								map[string]any{"title": "货款纠纷 " + rid})
						}
						if err != nil {
							return // killed
						}
						if status >= 300 {
							t.Errorf("%s answered %d", rid, status)
							return
						}
						if i%3 != 0 {
							mu.Lock()
							answered[rid] = status
							mu.Unlock()
							k.answered()
						}
					}
				}()
			}
			wg.Wait()
			k.wait(t)

			p2 := start(t, data, env...)
			token = loginAdmin(t, p2.url)
			seen := map[string]int{}
			for _, ev := range auditEvents(t, p2.url, token) {
				if rid, _ := ev["request_id"].(string); rid != "" {
					seen[rid] = int(ev["status"].(float64))
				}
			}
			lost := 0
			for rid, status := range answered {
				if seen[rid] != status {
					lost++
					t.Errorf("write %s answered %d before the crash; its audit event: status %d", rid, status, seen[rid])
				}
			}
			t.Logf("%d writes answered before SIGKILL, %d without their audit event", len(answered), lost)
			status, b := get(t, p2.url+"/api/v1/audit/verify", token)
			var v struct{ OK bool }
			if err := json.Unmarshal(b, &v); status != 200 || err != nil || !v.OK {
				t.Errorf("audit verify after the crash: %d %s", status, b)
			}
			p2.stop(t)
			if code, out := runCLI(t, env, data, "audit", "verify"); code != 0 || !strings.Contains(out, "ok: ") {
				t.Errorf("dossier audit verify after the crash: exit %d\n%s", code, out)
			}
		})
	}
}

// uploadVersion posts data as a new version of item id.
func uploadVersion(url, token, id string, data []byte) (int, map[string]any, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "对账单.bin")
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", url+"/api/v1/evidence/"+id+"/versions", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return res.StatusCode, nil, err
	}
	return res.StatusCode, out, nil
}

func randomBody(max int64) []byte {
	n, _ := rand.Int(rand.Reader, big.NewInt(max))
	b := make([]byte, 1+n.Int64())
	_, _ = rand.Read(b)
	return b
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// New versions of one item uploaded concurrently while the server is
// killed: after the restart every version answered 201 is listed under the
// number it was answered with, reads back byte for byte and verifies, and
// no number is used twice.
func TestCrashDuringNewVersions(t *testing.T) {
	for _, tc := range crashStores {
		t.Run(tc.meta+"/"+tc.blobs, func(t *testing.T) {
			data, env, p, token := startCrash(t, tc.meta, tc.blobs)
			caseID := newCase(t, p.url, token, "VERSIONS-1")
			status, first, err := uploadFile(p.url, token, caseID, randomBody(1<<10), false)
			if err != nil || status != 201 {
				t.Fatalf("first upload: %d %v %v", status, first, err)
			}
			id := first["id"].(string)

			type version struct {
				n   int
				sha string
			}
			var (
				mu       sync.Mutex
				answered []version
				refused  int
				wg       sync.WaitGroup
			)
			k := &killer{p: p, at: 16}
			for w := 0; w < 4; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						// Up to 6 MiB: on S3, over 4 MiB is a multipart upload.
						body := randomBody(6 << 20)
						status, out, err := uploadVersion(p.url, token, id, body)
						if err != nil {
							return
						}
						if status == 409 {
							mu.Lock()
							refused++
							mu.Unlock()
							continue
						}
						if status != 201 {
							t.Errorf("new version answered %d: %v", status, out)
							return
						}
						if out["sha256"] != sha(body) {
							t.Errorf("new version answered 201 with version %v sha256 %v, not the uploaded file's %s",
								out["version"], out["sha256"], sha(body))
						}
						mu.Lock()
						answered = append(answered, version{int(out["version"].(float64)), sha(body)})
						mu.Unlock()
						k.answered()
					}
				}()
			}
			wg.Wait()
			k.wait(t)
			t.Logf("%d versions answered 201 before SIGKILL, %d refused 409", len(answered), refused)

			p2 := start(t, data, env...)
			token = loginAdmin(t, p2.url)
			status, b := get(t, p2.url+"/api/v1/evidence/"+id+"/versions", token)
			var list []struct {
				N      int
				SHA256 string
			}
			if err := json.Unmarshal(b, &list); err != nil {
				var wrapped struct {
					Items []struct {
						N      int
						SHA256 string
					}
				}
				if err := json.Unmarshal(b, &wrapped); err != nil {
					t.Fatalf("versions: %d %s", status, b)
				}
				list = wrapped.Items
			}
			if status != 200 {
				t.Fatalf("versions: %d %s", status, b)
			}
			byN := map[int]string{}
			for _, v := range list {
				if _, dup := byN[v.N]; dup {
					t.Errorf("version %d listed twice", v.N)
				}
				byN[v.N] = v.SHA256
			}
			for _, a := range answered {
				if byN[a.n] != a.sha {
					t.Errorf("version %d answered 201 with sha256 %s; listed after the restart: %q", a.n, a.sha, byN[a.n])
				}
				status, b := get(t, fmt.Sprintf("%s/api/v1/evidence/%s/versions/%d/content", p2.url, id, a.n), token)
				if status != 200 || sha(b) != a.sha {
					t.Errorf("version %d after the restart: status %d, sha256 %s, want %s", a.n, status, sha(b), a.sha)
				}
			}
			status, out := post(t, p2.url+"/api/v1/evidence/"+id+"/verify", token, nil)
			if status != 200 || out["ok"] != true {
				t.Errorf("verify after the crash: %d %v", status, out)
			}
			p2.stop(t)
			if code, out := runCLI(t, env, data, "verify"); code != 0 {
				t.Errorf("dossier verify after the crash: exit %d\n%s", code, out)
			}
		})
	}
}

var crashLetter = map[string]string{
	"firm_name": "浙江明理律师事务所", "ref_no": "（2026）明律函字第18号", "contract_date": "2025-06-01",
	"bank": "中国工商银行杭州分行", "account_no": "1202 0000 1234 5678", "lawyer_name": "王律师",
	"licence_no": "13301201910123456",
}

// Documents and bundles generated while the server is killed: after the
// restart every one answered 201 is listed, every listed one is whole (its
// PDF reads back with its recorded digest, its ZIP downloads to the end),
// nothing the crash cut is half-visible, a retry works, and the cut builds
// leave no work files behind.
func TestCrashDuringDocumentsAndBundles(t *testing.T) {
	for _, tc := range crashStores {
		t.Run(tc.meta+"/"+tc.blobs, func(t *testing.T) {
			data, env, p, token := startCrash(t, tc.meta, tc.blobs)
			caseID := newCase(t, p.url, token, "DOCS-1")
			var items []map[string]string
			for i := 0; i < 3; i++ {
				status, out, err := uploadFile(p.url, token, caseID, randomBody(256<<10), false)
				if err != nil || status != 201 {
					t.Fatalf("upload: %d %v %v", status, out, err)
				}
				items = append(items, map[string]string{"evidence_id": out["id"].(string), "purpose": "证明欠款事实"})
			}
			bundleReq := map[string]any{"title": "起诉证据", "items": items}
			docReq := map[string]any{"template": "lawyer_letter", "lang": "zh-CN", "fields": crashLetter}

			var (
				mu               sync.Mutex
				docIDs, bundleID []string
				wg               sync.WaitGroup
			)
			k := &killer{p: p, at: 3}
			for w := 0; w < 4; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						path, body := "/documents", any(docReq)
						if w%2 == 1 {
							path, body = "/bundles", bundleReq
						}
						status, b, err := send("POST", p.url+"/api/v1/cases/"+caseID+path, token, "", body)
						if err != nil {
							return
						}
						var out struct{ ID string }
						if status != 201 || json.Unmarshal(b, &out) != nil {
							t.Errorf("POST %s: %d %s", path, status, b)
							return
						}
						mu.Lock()
						if w%2 == 1 {
							bundleID = append(bundleID, out.ID)
						} else {
							docIDs = append(docIDs, out.ID)
						}
						mu.Unlock()
						if w%2 == 1 { // bundles are the slow ones: kill amid them
							k.answered()
						}
					}
				}()
			}
			wg.Wait()
			k.wait(t)
			t.Logf("%d documents and %d bundles answered 201 before SIGKILL", len(docIDs), len(bundleID))

			p2 := start(t, data, env...)
			token = loginAdmin(t, p2.url)
			check := func() {
				var docs struct {
					Items []struct{ ID, SHA256 string }
				}
				if status := p2.getJSON(t, "/api/v1/cases/"+caseID+"/documents?limit=500", token, &docs); status != 200 {
					t.Fatalf("documents: %d", status)
				}
				listed := map[string]bool{}
				for _, d := range docs.Items {
					listed[d.ID] = true
					status, b := get(t, p2.url+"/api/v1/documents/"+d.ID+"/pdf", token)
					if status != 200 || sha(b) != d.SHA256 {
						t.Errorf("document %s listed after the crash: pdf %d, sha256 %s, recorded %s", d.ID, status, sha(b), d.SHA256)
					}
				}
				for _, id := range docIDs {
					if !listed[id] {
						t.Errorf("document %s answered 201 is not listed after the restart", id)
					}
				}
				var bundles struct {
					Items []struct{ ID string }
				}
				if status := p2.getJSON(t, "/api/v1/cases/"+caseID+"/bundles?limit=500", token, &bundles); status != 200 {
					t.Fatalf("bundles: %d", status)
				}
				listed = map[string]bool{}
				for _, b := range bundles.Items {
					listed[b.ID] = true
					status, zip := get(t, p2.url+"/api/v1/bundles/"+b.ID+"/download", token)
					if status != 200 || len(zip) == 0 {
						t.Errorf("bundle %s listed after the crash: download %d, %d bytes", b.ID, status, len(zip))
					}
				}
				for _, id := range bundleID {
					if !listed[id] {
						t.Errorf("bundle %s answered 201 is not listed after the restart", id)
					}
				}
			}
			check()
			// A retry of each works, and is listed whole too.
			for _, r := range []struct {
				path string
				body any
				ids  *[]string
			}{{"/documents", docReq, &docIDs}, {"/bundles", bundleReq, &bundleID}} {
				status, b, err := send("POST", p2.url+"/api/v1/cases/"+caseID+r.path, token, "", r.body)
				var out struct{ ID string }
				if err != nil || status != 201 || json.Unmarshal(b, &out) != nil {
					t.Fatalf("retry POST %s after the crash: %d %s %v", r.path, status, b, err)
				}
				*r.ids = append(*r.ids, out.ID)
			}
			check()
			p2.stop(t)
			left, _ := filepath.Glob(filepath.Join(data, "bundle-work", "build-*"))
			if len(left) > 0 {
				t.Errorf("work directories of bundle builds the crash cut are left after a restart: %v", left)
			}
			if code, out := runCLI(t, env, data, "verify"); code != 0 {
				t.Errorf("dossier verify after the crash: exit %d\n%s", code, out)
			}
		})
	}
}
