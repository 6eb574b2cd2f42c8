package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/testenv"
)

// proc is a running dossier serve.
type proc struct {
	cmd    *exec.Cmd
	url    string
	stdout *bytes.Buffer
	done   chan error
	// client reaches the server: http.DefaultClient, or for a server on a
	// unix socket a client that dials it (url is then a placeholder host).
	client *http.Client
	sock   string // the unix socket it listens on, if any
}

// unixClient is an HTTP client whose every connection goes to the unix
// socket at path, whatever the URL's host.
func unixClient(path string) *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}}}
}

// start runs the real binary on dataDir (tests and benchmarks).
func start(t testing.TB, dataDir string, extraEnv ...string) *proc {
	t.Helper()
	cmd := exec.Command(testenv.DossierBinary(t), "serve")
	cmd.Env = append(os.Environ(), "DOSSIER_DATA="+dataDir, "DOSSIER_ADDR=127.0.0.1:0", "DOSSIER_LOG_LEVEL=warn")
	cmd.Env = append(cmd.Env, extraEnv...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, stdout: &bytes.Buffer{}, done: make(chan error, 1), client: http.DefaultClient}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		re := regexp.MustCompile(`running at (http://\S+)|listening on unix:(\S+) for`)
		for sc.Scan() {
			p.stdout.WriteString(sc.Text() + "\n")
			m := re.FindStringSubmatch(sc.Text())
			switch {
			case m == nil:
			case m[2] != "":
				p.client, p.sock = unixClient(m[2]), m[2]
				urlc <- "http://dossier.test"
			default:
				urlc <- m[1]
			}
		}
	}()
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	select {
	case p.url = <-urlc:
	case err := <-p.done:
		t.Fatalf("dossier exited early: %v\n%s", err, p.stdout)
	case <-time.After(60 * time.Second):
		t.Fatal("dossier did not start")
	}
	return p
}

// getJSON reads path from p with token and decodes the answer into out.
func (p *proc) getJSON(t testing.TB, path, token string, out any) int {
	t.Helper()
	req, _ := http.NewRequest("GET", p.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := p.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: %d %v", path, res.StatusCode, err)
	}
	return res.StatusCode
}

func (p *proc) stop(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
}

func post(t *testing.T, url, token string, body any) (int, map[string]any) {
	t.Helper()
	return postVia(t, http.DefaultClient, url, token, body)
}

// postVia posts body as JSON through client and decodes the answer.
func postVia(t testing.TB, client *http.Client, url, token string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func TestServeFirstStartRestartAndSIGTERM(t *testing.T) {
	data := t.TempDir()
	p := start(t, data)
	m := regexp.MustCompile(`user "admin" with password (\S+)`).FindStringSubmatch(p.stdout.String())
	if m == nil {
		t.Fatalf("admin password not printed on first start:\n%s", p.stdout)
	}
	password := m[1]
	res, err := http.Get(p.url + "/readyz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", res, err)
	}
	status, login := post(t, p.url+"/api/v1/auth/login", "", map[string]string{"username": "admin", "password": password})
	if status != 200 {
		t.Fatalf("admin login: %d %v", status, login)
	}
	token := login["token"].(string)
	status, _ = post(t, p.url+"/api/v1/cases", token, map[string]any{"number": "R-1", "principal": "100.00",
		"due_date": "2026-01-01", "creditor": map[string]string{"name": "甲"}, "debtor": map[string]string{"name": "乙"}})
	if status != 201 {
		t.Fatalf("create case: %d", status)
	}

	// An in-flight request: headers sent, body still arriving when SIGTERM
	// comes. Shutdown must wait for it and answer it.
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", p.url+"/api/v1/auth/login", pr)
	req.Header.Set("Content-Type", "application/json")
	answered := make(chan int, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- -1
			return
		}
		res.Body.Close()
		answered <- res.StatusCode
	}()
	_, _ = pw.Write([]byte(`{"username":"admin",`))
	time.Sleep(300 * time.Millisecond)
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(300 * time.Millisecond)
	_, _ = pw.Write([]byte(`"password":"` + password + `"}`))
	pw.Close()
	if code := <-answered; code != 200 {
		t.Fatalf("in-flight request during shutdown answered %d", code)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("exit code after SIGTERM: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}

	// Restart: data kept, the admin password unchanged and not printed again.
	p2 := start(t, data, "DOSSIER_ADMIN_PASSWORD=another password that is ignored")
	if strings.Contains(p2.stdout.String(), "password") {
		t.Fatalf("second start printed a password:\n%s", p2.stdout)
	}
	status, login = post(t, p2.url+"/api/v1/auth/login", "", map[string]string{"username": "admin", "password": password})
	if status != 200 {
		t.Fatalf("login after restart: %d", status)
	}
	var list struct{ Total int }
	p2.getJSON(t, "/api/v1/cases", login["token"].(string), &list)
	if list.Total != 1 {
		t.Fatalf("cases after restart: %d", list.Total)
	}
	p2.stop(t)
}

func TestConfigErrorsNameTheSetting(t *testing.T) {
	for _, tc := range []struct{ env, want string }{
		{"DOSSIER_MAX_UPLOAD=lots", "DOSSIER_MAX_UPLOAD"},
		{"DOSSIER_ADRR=127.0.0.1:1", "DOSSIER_ADRR"},
		{"DATABASE_URL=mysql://x", "DATABASE_URL"},
		{"DOSSIER_CONTACT_HOURS=21-08", "DOSSIER_CONTACT_HOURS"},
		{"DOSSIER_S3_ENDPOINT=127.0.0.1:9000", "DOSSIER_S3_ACCESS_KEY"},
		{"DOSSIER_ADMIN_PASSWORD=short", "DOSSIER_ADMIN_PASSWORD"},
		{"DOSSIER_TRUSTED_PROXIES=proxy.internal", "DOSSIER_TRUSTED_PROXIES"},
		{"DOSSIER_ADDR=8080", "DOSSIER_ADDR"},
	} {
		var stderr bytes.Buffer
		code := Main(context.Background(), []string{"serve"}, []string{tc.env, "DOSSIER_DATA=" + t.TempDir()}, nil, io.Discard, &stderr)
		if code == 0 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%s: exit %d, stderr %q should name %s", tc.env, code, stderr.String(), tc.want)
		}
	}
}

func TestUserCommands(t *testing.T) {
	env := []string{"DOSSIER_DATA=" + t.TempDir()}
	run := func(stdin string, args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := Main(context.Background(), args, env, strings.NewReader(stdin), &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, out := run("a very good password\n", "user", "add", "li.lawyer", "counsel"); code != 0 {
		t.Fatalf("user add: %d %s", code, out)
	}
	if code, out := run("short\n", "user", "add", "x.y", "counsel"); code == 0 || !strings.Contains(out, "password") {
		t.Fatalf("weak password accepted: %d %s", code, out)
	}
	if code, out := run("a very good password\n", "user", "add", "z.z", "wizard"); code == 0 || !strings.Contains(out, "role") {
		t.Fatalf("bad role accepted: %d %s", code, out)
	}
	if code, out := run("", "user", "disable", "li.lawyer"); code != 0 {
		t.Fatalf("disable: %d %s", code, out)
	}
	code, out := run("", "user", "list")
	if code != 0 || !strings.Contains(out, "li.lawyer") || !strings.Contains(out, "disabled") {
		t.Fatalf("list: %d %s", code, out)
	}
	if code, out := run("another good password\n", "user", "passwd", "nobody"); code == 0 {
		t.Fatalf("passwd of a missing user succeeded: %s", out)
	}
}
