package httpapi_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dossier/dossier/internal/blob/disk"
)

// lockedBuffer collects log output written from the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A download the server itself broke off after its 200 (the stored bytes
// failed their digest) is logged at error level with the cause: the status
// line says 200, and an operator reading the log at warning and above saw
// nothing of a piece of evidence that could not be served. A client that
// went away is the client's doing and stays at info.
func TestServerBreakLoggedAsError(t *testing.T) {
	e, store, admin := vaultEnv(t, "sqlite", "disk", 0, 0)
	var logs lockedBuffer
	e.api.Log = slog.New(slog.NewTextHandler(&logs, nil))
	c := e.createCase(admin, "2026-EV-LOG")
	bad := e.mustUpload(admin, c.ID, "statement", "对账单.pdf", randomBytes(100000), 201)
	good := e.mustUpload(admin, c.ID, "statement", "流水.pdf", randomBytes(100000), 201)

	p := filepath.Join(store.(*disk.Store).Root(), bad.SHA256[0:2], bad.SHA256[2:4], bad.SHA256)
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteAt([]byte("tampered"), 50000)
	f.Close()

	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/evidence/"+bad.ID+"/content", nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || err == nil {
		t.Fatalf("download of damaged bytes: %d, read error %v; want 200 and a broken transfer", res.StatusCode, err)
	}
	waitFor(t, func() bool { return strings.Contains(logs.String(), "/content") })
	line := strings.Join(contentLogLines(logs.String()), "\n")
	if !strings.Contains(line, "level=ERROR") || !strings.Contains(line, "broken_off=true") ||
		!strings.Contains(line, "digest") {
		t.Errorf("log of the download the server broke off: %q; want level ERROR, broken_off and the cause", line)
	}

	req = httptest.NewRequest("GET", "/api/v1/evidence/"+good.ID+"/content", nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	if w, aborted := serveGone(e.api.Handler(), req); w.status != 200 || !aborted {
		t.Fatalf("download to a client gone: status %d, aborted %v", w.status, aborted)
	}
	if lines := contentLogLines(logs.String()); len(lines) != 2 || !strings.Contains(lines[1], "level=INFO") {
		t.Errorf("log of the downloads: %q; want the second, which the client left, at level INFO", lines)
	}
}

// contentLogLines are the request log lines of evidence downloads, in order.
func contentLogLines(logs string) []string {
	var out []string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "msg=request") && strings.Contains(l, "/content") {
			out = append(out, l)
		}
	}
	return out
}
