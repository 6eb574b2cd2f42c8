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
		"due_date": "2025-01-01", "creditor": map[string]string{"name": "杭州甲贸易有限公司"},
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
			data := t.TempDir()
			env := crashEnv(t, tc.meta, tc.blobs)
			p := start(t, data, env...)
			token := loginAdmin(t, p.url)
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
			data := t.TempDir()
			env := crashEnv(t, tc.meta, tc.blobs)
			p := start(t, data, env...)
			token := loginAdmin(t, p.url)
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
