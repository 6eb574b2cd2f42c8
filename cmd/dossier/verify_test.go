package main

import (
	"bytes"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/testenv"
)

// `dossier verify` exits non-zero and names every damaged or missing blob.
func TestVerifyCommand(t *testing.T) {
	data := t.TempDir()
	env := crashEnv(t, "sqlite", "disk")
	p := start(t, data, env...)
	token := loginAdmin(t, p.url)
	_, c := post(t, p.url+"/api/v1/cases", token, map[string]any{"number": "V-1", "principal": "1.00",
		"due_date": "2026-01-01", "creditor": map[string]string{"name": "甲"}, "debtor": map[string]string{"name": "乙"}})
	var items []map[string]any
	for i := 0; i < 3; i++ {
		body := make([]byte, 50000)
		_, _ = rand.Read(body)
		status, out, err := uploadFile(p.url, token, c["id"].(string), body, false)
		if err != nil || status != 201 {
			t.Fatalf("upload: %d %v %v", status, out, err)
		}
		items = append(items, out)
	}
	p.stop(t)

	run := func() (int, string, string) {
		cmd := exec.Command(testenv.DossierBinary(t), "verify")
		cmd.Env = append(os.Environ(), append(env, "DOSSIER_DATA="+data)...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		_ = cmd.Run()
		return cmd.ProcessState.ExitCode(), out.String(), errb.String()
	}
	if code, out, _ := run(); code != 0 || !strings.Contains(out, "ok: 3 blobs intact") {
		t.Fatalf("intact store: exit %d\n%s", code, out)
	}

	blobPath := func(sha string) string {
		return filepath.Join(data, "blobs", sha[0:2], sha[2:4], sha)
	}
	bad, gone := items[0]["sha256"].(string), items[2]["sha256"].(string)
	if err := os.Chmod(blobPath(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(blobPath(bad), []byte("replaced"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(blobPath(gone)); err != nil {
		t.Fatal(err)
	}
	code, out, progress := run()
	if code != 1 {
		t.Fatalf("damaged store: exit %d\n%s", code, out)
	}
	for _, want := range []string{items[0]["id"].(string), bad, "corrupt", items[2]["id"].(string), gone, "missing", "FAILED: 2 version(s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, items[1]["id"].(string)) {
		t.Errorf("intact item reported:\n%s", out)
	}
	if !strings.Contains(progress, "verified 3/3 blobs") {
		t.Errorf("no progress on stderr: %q", progress)
	}
}
