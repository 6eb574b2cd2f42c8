package httpapi_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/httpapi"
)

// TestReadyzNamesNoInternals: /readyz is public, so a failed check says
// which dependency failed and the dependency's own public message, never
// the wrapped driver or file-system error (paths, hosts, users), which only
// the log gets.
func TestReadyzNamesNoInternals(t *testing.T) {
	e := newEnv(t, "sqlite")
	root := filepath.Join(t.TempDir(), "secret-blob-root")
	blobs, err := disk.New(root)
	if err != nil {
		t.Fatal(err)
	}
	e.api.Ready = append(e.api.Ready, httpapi.Checker{Name: "blobs", Check: blobs.Ping})
	if r := e.do("GET", "/readyz", "", nil); r.Status != 200 {
		t.Fatalf("healthy: %d %s", r.Status, r.Body)
	}
	// The blob store's working directory disappears (a full disk, an
	// unmounted volume): the store's error names the server's path.
	if err := os.RemoveAll(filepath.Join(root, "tmp")); err != nil {
		t.Fatal(err)
	}
	r := e.do("GET", "/readyz", "", nil)
	if r.Status != 503 {
		t.Fatalf("broken blob store: %d %s", r.Status, r.Body)
	}
	var body struct {
		Status string
		Checks map[string]string
	}
	r.json(t, &body)
	if body.Checks["blobs"] == "" || body.Checks["blobs"] == "ok" || body.Checks["metadata"] != "ok" {
		t.Fatalf("checks %v: want blobs named as failed, metadata ok", body.Checks)
	}
	if strings.Contains(string(r.Body), "secret-blob-root") || strings.Contains(string(r.Body), os.TempDir()) {
		t.Fatalf("anonymous /readyz shows a server path: %s", r.Body)
	}

	// A dependency's own public message (a dossier.Error) is still shown,
	// without what it wraps.
	e.api.Ready = []httpapi.Checker{{Name: "metadata", Check: func(context.Context) error {
		return &dossier.Error{Code: dossier.EUNAVAILABLE, Message: "metadata store unavailable",
			Err: errors.New("failed to connect to `host=10.9.8.7 user=dossier database=dossier`")}
	}}}
	r = e.do("GET", "/readyz", "", nil)
	r.json(t, &body)
	if r.Status != 503 || body.Checks["metadata"] != "metadata store unavailable" {
		t.Fatalf("coded failure: %d %s", r.Status, r.Body)
	}
}
