package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"math/big"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/dossier/dossier/internal/blob/s3"
	"github.com/dossier/dossier/internal/testenv"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.Stop()
	os.Exit(code)
}

const crashPassword = "crash test admin password"

// crashEnv returns the environment selecting the metadata and blob stores.
// startCrash starts serve on a new data directory with the crash tests'
// stores and signs in: the directory and settings (to restart it with), the
// process and the admin's token.
func startCrash(t *testing.T, meta, blobs string) (data string, env []string, p *proc, token string) {
	t.Helper()
	data = t.TempDir()
	env = crashEnv(t, meta, blobs)
	p = start(t, data, env...)
	return data, env, p, loginAdmin(t, p.url)
}

func crashEnv(t *testing.T, meta, blobs string) []string {
	env := []string{"DOSSIER_ADMIN_PASSWORD=" + crashPassword}
	if meta == "postgres" {
		env = append(env, "DATABASE_URL="+testenv.Postgres(t))
	}
	if blobs == "minio" {
		srv := testenv.MinIO(t)
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		env = append(env, "DOSSIER_S3_ENDPOINT="+srv.Endpoint, "DOSSIER_S3_BUCKET=crash-"+hex.EncodeToString(b),
			"DOSSIER_S3_ACCESS_KEY="+srv.AccessKey, "DOSSIER_S3_SECRET_KEY="+srv.SecretKey)
	}
	return env
}

func loginAdmin(t *testing.T, url string) string {
	t.Helper()
	status, out := post(t, url+"/api/v1/auth/login", "", map[string]string{"username": "admin", "password": crashPassword})
	if status != 200 {
		t.Fatalf("login: %d %v", status, out)
	}
	return out["token"].(string)
}

// uploadFile streams one multipart upload; err is a transport failure (the
// server died), status and the decoded body otherwise.
func uploadFile(url, token, caseID string, data []byte, declare bool) (int, map[string]any, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		// When the server dies before reading, the pipe is closed under us:
		// every write then fails and the upload simply ends.
		if err := mw.WriteField("kind", "recording"); err != nil {
			pw.CloseWithError(err)
			return
		}
		if declare { // the file's sha256 first: S3 then streams it to its name
			sum := sha256.Sum256(data)
			if err := mw.WriteField("sha256", hex.EncodeToString(sum[:])); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		fw, err := mw.CreateFormFile("file", "通话录音.bin")
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		// Written in pieces so the server is mid-stream when it dies.
		for off := 0; off < len(data); off += 64 << 10 {
			if _, err := fw.Write(data[off:min(off+64<<10, len(data))]); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(mw.Close())
	}()
	req, _ := http.NewRequest("POST", url+"/api/v1/cases/"+caseID+"/evidence", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		pr.CloseWithError(err)
		return 0, nil, err
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return res.StatusCode, nil, err
	}
	return res.StatusCode, out, nil
}

func get(t *testing.T, url, token string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// The server is killed with SIGKILL while several uploads stream in. After
// a restart every upload that was answered 201 must be there, byte for
// byte, and no record may point at missing bytes.
func TestCrashDuringUploads(t *testing.T) {
	for _, tc := range []struct{ meta, blobs string }{{"sqlite", "disk"}, {"postgres", "disk"}, {"sqlite", "minio"}} {
		t.Run(tc.meta+"/"+tc.blobs, func(t *testing.T) { testCrash(t, tc.meta, tc.blobs) })
	}
}

func testCrash(t *testing.T, meta, blobs string) {
	data, env, p, token := startCrash(t, meta, blobs)
	status, c := post(t, p.url+"/api/v1/cases", token, map[string]any{"number": "CRASH-1", "principal": "100.00",
		"due_date": "2026-01-01", "creditor": map[string]string{"name": "甲"}, "debtor": map[string]string{"name": "乙"}})
	if status != 201 {
		t.Fatalf("create case: %d %v", status, c)
	}
	caseID := c["id"].(string)

	type done struct{ id, sha string }
	var (
		mu       sync.Mutex
		answered []done
		wg       sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(context.Background())
	// Sizes up to 20 MiB: on S3 a file over 4 MiB is a multipart upload
	// (over 16 MiB, of two parts), to a temporary key or, for the workers
	// that declare the digest, straight to the blob's name.
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n, _ := rand.Int(rand.Reader, big.NewInt(20<<20))
				body := make([]byte, 64<<10+int(n.Int64()))
				_, _ = rand.Read(body)
				status, out, err := uploadFile(p.url, token, caseID, body, w%2 == 1)
				if err != nil {
					return // the server is gone
				}
				if status != 201 {
					t.Errorf("upload answered %d: %v", status, out)
					return
				}
				sum := sha256.Sum256(body)
				if out["sha256"] != hex.EncodeToString(sum[:]) {
					t.Errorf("server digest %v differs from the client's", out["sha256"])
				}
				mu.Lock()
				answered = append(answered, done{out["id"].(string), hex.EncodeToString(sum[:])})
				mu.Unlock()
			}
		}()
	}
	// Kill once some uploads are answered: others are then mid-stream.
	for {
		mu.Lock()
		n := len(answered)
		mu.Unlock()
		if n >= 12 {
			break
		}
		select {
		case err := <-p.done:
			t.Fatalf("server exited on its own: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.done
	cancel()
	wg.Wait()
	t.Logf("%d uploads answered 201 before SIGKILL", len(answered))

	p2 := start(t, data, env...)
	token = loginAdmin(t, p2.url)
	for _, a := range answered {
		status, b := get(t, p2.url+"/api/v1/evidence/"+a.id+"/content", token)
		sum := sha256.Sum256(b)
		if status != 200 || hex.EncodeToString(sum[:]) != a.sha {
			t.Errorf("answered upload %s after restart: status %d, sha256 %x, want %s", a.id, status, sum, a.sha)
		}
	}
	// Every record, answered or not, must have its bytes.
	status, b := get(t, p2.url+"/api/v1/cases/"+caseID+"/evidence?include_deleted=true&limit=500", token)
	var list struct {
		Items []struct{ ID, SHA256 string }
		Total int
	}
	if err := json.Unmarshal(b, &list); status != 200 || err != nil {
		t.Fatalf("list: %d %s", status, b)
	}
	if list.Total < len(answered) {
		t.Fatalf("%d records after restart, %d uploads were answered 201", list.Total, len(answered))
	}
	for _, it := range list.Items {
		status, out := post(t, p2.url+"/api/v1/evidence/"+it.ID+"/verify", token, nil)
		if status != 200 || out["ok"] != true {
			t.Errorf("record %s does not verify after the crash: %d %v", it.ID, status, out)
		}
	}
	p2.stop(t)

	// The operator's check agrees, and sweeping the crash's orphans keeps
	// every referenced blob.
	verify := func(args ...string) (int, string) {
		return runCLI(t, env, data, append([]string{"verify"}, args...)...)
	}
	if code, out := verify("--sweep", "--sweep-age", "0s"); code != 0 || !strings.Contains(out, "ok: ") {
		t.Fatalf("dossier verify --sweep after the crash: exit %d\n%s", code, out)
	} else {
		t.Logf("%s", sweepLine(out))
	}
	// On S3 the uploads the crash cut are incomplete multipart uploads (at
	// temporary keys, or at blobs' names when the digest was declared).
	// The sweep leaves those younger than an hour, as it might be running
	// beside uploads; the same removal with that hour passed clears them.
	if left := incompleteUploads(t, env, false); left > 0 {
		if n := incompleteUploads(t, env, true); n != 0 {
			t.Errorf("%d of %d incomplete multipart uploads left once old enough to sweep", n, left)
		} else {
			t.Logf("%d incomplete multipart uploads from the crash, all removed once old enough", left)
		}
	}
	if code, out := verify(); code != 0 {
		t.Fatalf("dossier verify after the sweep: exit %d\n%s", code, out)
	}
}

// runCLI runs the real binary's operator command args on the stores env and
// data select, and returns its exit code and its stdout and stderr.
func runCLI(t *testing.T, env []string, data string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(testenv.DossierBinary(t), args...)
	cmd.Env = append(os.Environ(), append(env, "DOSSIER_DATA="+data)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if cmd.ProcessState == nil {
		t.Fatalf("dossier %s: %v", strings.Join(args, " "), err)
	}
	return cmd.ProcessState.ExitCode(), out.String() + "\n" + errb.String()
}

// incompleteUploads counts the multipart uploads in progress in the S3
// bucket env names (0 for a disk store), after the store's RemoveTemp as
// if every upload were old enough when sweep is set.
func incompleteUploads(t *testing.T, env []string, sweep bool) int {
	t.Helper()
	cfg := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		cfg[k] = v
	}
	if cfg["DOSSIER_S3_ENDPOINT"] == "" {
		return 0
	}
	ctx := context.Background()
	if sweep {
		s, err := s3.New(ctx, s3.Config{Endpoint: cfg["DOSSIER_S3_ENDPOINT"], Bucket: cfg["DOSSIER_S3_BUCKET"],
			AccessKey: cfg["DOSSIER_S3_ACCESS_KEY"], SecretKey: cfg["DOSSIER_S3_SECRET_KEY"]})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RemoveTemp(ctx, -time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	c, err := minio.New(cfg["DOSSIER_S3_ENDPOINT"], &minio.Options{
		Creds: credentials.NewStaticV4(cfg["DOSSIER_S3_ACCESS_KEY"], cfg["DOSSIER_S3_SECRET_KEY"], "")})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for up := range c.ListIncompleteUploads(ctx, cfg["DOSSIER_S3_BUCKET"], "", true) {
		if up.Err != nil {
			t.Fatal(up.Err)
		}
		n++
	}
	return n
}

func sweepLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "sweep:") {
			return l
		}
	}
	return "no sweep summary"
}
