package testenv

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	miniogo "github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Require skips tb with reason, or fails it when the comma-separated
// DOSSIER_TEST_REQUIRE lists name: a backend a run requires must not turn
// into a silent skip (restic's SkipDisallowed).
func Require(tb testing.TB, name, reason string) {
	tb.Helper()
	for _, r := range strings.Split(os.Getenv("DOSSIER_TEST_REQUIRE"), ",") {
		if strings.TrimSpace(r) == name {
			tb.Fatalf("testenv: %s is required (DOSSIER_TEST_REQUIRE) but unavailable: %s", name, reason)
		}
	}
	tb.Skipf("testenv: %s unavailable: %s", name, reason)
}

var stoppers struct {
	mu    sync.Mutex
	funcs []func()
}

// atStop registers f to run in Stop, for servers this package starts.
func atStop(f func()) {
	stoppers.mu.Lock()
	defer stoppers.mu.Unlock()
	stoppers.funcs = append(stoppers.funcs, f)
}

// Stop stops every server this package started and removes their data. Call
// it from TestMain after m.Run. Should a test binary end without it, the
// servers still die with the process (see startChild) but their temp
// directories stay behind.
func Stop() {
	stoppers.mu.Lock()
	funcs := stoppers.funcs
	stoppers.funcs = nil
	stoppers.mu.Unlock()
	for i := len(funcs) - 1; i >= 0; i-- {
		funcs[i]()
	}
}

// MinIOServer is a MinIO server listening on loopback.
type MinIOServer struct {
	Endpoint  string // host:port, plain HTTP
	AccessKey string
	SecretKey string
}

var minio struct {
	once    sync.Once
	srv     *MinIOServer
	missing string // why no binary was found
	err     error  // why a found binary did not start
}

// MinIO returns the test binary's MinIO server, starting it on first use: one
// server per test binary, with a fresh data directory; tests isolate
// themselves with their own buckets. The binary is $DOSSIER_MINIO_BIN, else
// `minio` on PATH, else $HOME/.cache/dossier/bin/minio. Without one the test
// is skipped (failed when DOSSIER_TEST_REQUIRE lists minio).
func MinIO(tb testing.TB) *MinIOServer {
	tb.Helper()
	minio.once.Do(func() {
		bin, why := MinIOBinary()
		if bin == "" {
			minio.missing = why
			return
		}
		minio.srv, minio.err = startMinIO(bin)
	})
	switch {
	case minio.missing != "":
		Require(tb, "minio", minio.missing)
	case minio.err != nil:
		tb.Fatalf("testenv: %v", minio.err)
	}
	return minio.srv
}

// MinIOBinary returns the path of the MinIO server binary, or "" and why
// none was found.
func MinIOBinary() (path, why string) {
	if p := os.Getenv("DOSSIER_MINIO_BIN"); p != "" {
		if isExecutable(p) {
			return p, ""
		}
		return "", fmt.Sprintf("DOSSIER_MINIO_BIN=%s is not an executable file", p)
	}
	if p, err := exec.LookPath("minio"); err == nil {
		return p, ""
	}
	if home, err := os.UserHomeDir(); err == nil {
		p := filepath.Join(home, ".cache", "dossier", "bin", "minio")
		if isExecutable(p) {
			return p, ""
		}
	}
	return "", "no minio binary: set DOSSIER_MINIO_BIN, put minio on PATH or build it to ~/.cache/dossier/bin/minio"
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

func startMinIO(bin string) (*MinIOServer, error) {
	dir, err := os.MkdirTemp("", "dossier-minio-")
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err == nil {
		var console string
		if console, err = freeAddr(); err == nil {
			var srv *MinIOServer
			if srv, err = runMinIO(bin, dir, addr, console); err == nil {
				return srv, nil
			}
		}
	}
	os.RemoveAll(dir)
	return nil, err
}

func runMinIO(bin, dir, addr, console string) (*MinIOServer, error) {
	srv := &MinIOServer{Endpoint: addr, AccessKey: "dossier-test", SecretKey: randomHex(16)}
	cmd := exec.Command(bin, "server", filepath.Join(dir, "data"), "--address", addr, "--console-address", console, "--quiet")
	cmd.Env = append(os.Environ(),
		"MINIO_ROOT_USER="+srv.AccessKey,
		"MINIO_ROOT_PASSWORD="+srv.SecretKey,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
	)
	out := &tailBuffer{max: 8 << 10}
	cmd.Stdout, cmd.Stderr = out, out
	done, err := startChild(cmd)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		os.RemoveAll(dir)
	}
	if err := waitLive("http://"+addr+"/minio/health/live", done); err != nil {
		stop()
		return nil, fmt.Errorf("minio on %s: %w; output:\n%s", addr, err, out.String())
	}
	// Live is not ready: IAM initialises after the health endpoints answer,
	// and until then requests fail with "Server not initialized yet". Wait
	// for a real signed request to succeed.
	if err := waitServing(srv, done); err != nil {
		stop()
		return nil, fmt.Errorf("minio on %s: %w; output:\n%s", addr, err, out.String())
	}
	atStop(stop)
	return srv, nil
}

// startChild starts cmd so that it dies with this process even when nobody
// calls Stop: on Linux with a parent-death signal. That signal fires when
// the starting OS thread exits, so the thread stays locked by a goroutine
// that lives exactly as long as the child. done is closed when it exits.
func startChild(cmd *exec.Cmd) (done chan struct{}, err error) {
	setParentDeathSignal(cmd)
	done = make(chan struct{})
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
		close(done)
	}()
	return done, <-started
}

// waitServing lists buckets with the server's credentials until it works.
func waitServing(srv *MinIOServer, exited <-chan struct{}) error {
	client, err := miniogo.New(srv.Endpoint, &miniogo.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, "")})
	if err != nil {
		return err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-exited:
			return errors.New("server exited during start-up")
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := client.ListBuckets(ctx)
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not serving after 60s: %w", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitLive polls MinIO's liveness endpoint; a cold start takes a few seconds
// on a busy machine.
func waitLive(url string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("server exited during start-up")
		default:
		}
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("not live after 60s")
}

// freeAddr asks the kernel for a free loopback port. Another process could
// take it before MinIO binds it; start-up then fails loudly rather than
// talking to a stranger.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// tailBuffer keeps the last max bytes of a server's output for error reports.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if extra := t.buf.Len() - t.max; extra > 0 {
		t.buf.Next(extra)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
