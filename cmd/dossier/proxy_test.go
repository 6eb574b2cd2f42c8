package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loginIP signs in as admin through p, sending xff (when not empty) as
// X-Forwarded-For, and returns the client address the audit trail recorded
// for that sign-in (the latest).
func loginIP(t *testing.T, p *proc, xff string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": "admin", "password": crashPassword})
	req, _ := http.NewRequest("POST", p.url+"/api/v1/auth/login", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	res, err := p.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var login struct{ Token string }
	_ = json.NewDecoder(res.Body).Decode(&login)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("login: %d", res.StatusCode)
	}
	var page struct {
		Items []struct{ IP string } `json:"items"`
	}
	if status := p.getJSON(t, "/api/v1/audit?action=auth.login&limit=500", login.Token, &page); status != 200 || len(page.Items) == 0 {
		t.Fatalf("audit: %d %+v", status, page)
	}
	return page.Items[len(page.Items)-1].IP // oldest first
}

// Behind a reverse proxy on the same host: the service listens on a unix
// socket only the proxy's group can open, takes the client's address from
// the proxy's X-Forwarded-For, replaces a socket file a crash left, and
// never removes anything else.
func TestServeOnUnixSocketBehindAProxy(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "dossier.sock")
	serveFails := func(want string, env ...string) {
		t.Helper()
		var stderr bytes.Buffer
		env = append(env, "DOSSIER_DATA="+t.TempDir(), "DOSSIER_ADMIN_PASSWORD="+crashPassword)
		code := Main(context.Background(), []string{"serve"}, env, nil, io.Discard, &stderr)
		if code == 0 || !strings.Contains(stderr.String(), want) {
			t.Fatalf("serve with %v: exit %d, stderr %q should say %q", env, code, stderr.String(), want)
		}
	}
	withURL := "DOSSIER_BASE_URL=https://dossier.example.com"
	serveFails("DOSSIER_BASE_URL", "DOSSIER_ADDR=unix:"+sock)
	serveFails("DOSSIER_ADDR", "DOSSIER_ADDR=unix:", withURL)

	// A regular file where the socket should be is left alone.
	if err := os.WriteFile(sock, []byte("not a socket"), 0o600); err != nil {
		t.Fatal(err)
	}
	serveFails("is not a socket", "DOSSIER_ADDR=unix:"+sock, withURL)
	if b, err := os.ReadFile(sock); err != nil || string(b) != "not a socket" {
		t.Fatalf("the file was touched: %q %v", b, err)
	}
	os.Remove(sock)

	// A socket file nobody listens on, as SIGKILL leaves it.
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()

	data := t.TempDir()
	p := start(t, data, "DOSSIER_ADDR=unix:"+sock, withURL, "DOSSIER_ADMIN_PASSWORD="+crashPassword)
	if fi, err := os.Stat(sock); err != nil || fi.Mode().Perm() != 0o660 {
		t.Fatalf("socket mode: %v %v", fi.Mode(), err)
	}
	serveFails("another process is listening", "DOSSIER_ADDR=unix:"+sock, withURL)

	if ip := loginIP(t, p, "198.51.100.23"); ip != "198.51.100.23" {
		t.Errorf("client behind the proxy recorded as %q", ip)
	}
	// What a client forged sits left of what the proxy appended.
	if ip := loginIP(t, p, "10.6.6.6, 198.51.100.24"); ip != "198.51.100.24" {
		t.Errorf("forged hop: recorded %q", ip)
	}
	if ip := loginIP(t, p, ""); ip != "unix" {
		t.Errorf("no header: recorded %q", ip)
	}

	res, err := p.client.Get(p.url + "/readyz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", res, err)
	}
	res.Body.Close()

	p.stop(t)
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("socket file left after SIGTERM: %v", err)
	}
}

// Over TCP, X-Forwarded-For counts only from the configured proxies.
func TestTrustedProxiesOverTCP(t *testing.T) {
	plain := start(t, t.TempDir(), "DOSSIER_ADMIN_PASSWORD="+crashPassword)
	if ip := loginIP(t, plain, "198.51.100.23"); ip != "127.0.0.1" {
		t.Errorf("without trusted proxies the header was believed: %q", ip)
	}
	proxied := start(t, t.TempDir(), "DOSSIER_ADMIN_PASSWORD="+crashPassword, "DOSSIER_TRUSTED_PROXIES=127.0.0.0/8, ::1")
	if ip := loginIP(t, proxied, "198.51.100.23"); ip != "198.51.100.23" {
		t.Errorf("behind a trusted proxy: recorded %q", ip)
	}
}

// The README's configuration table names every setting `dossier --help`
// lists, so a new one cannot go undocumented.
func TestREADMEListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		if !bytes.Contains(readme, []byte("`"+s.name+"`")) {
			t.Errorf("README.md does not document %s", s.name)
		}
	}
}
