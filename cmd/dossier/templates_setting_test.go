package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// DOSSIER_TEMPLATES names a directory of <id>.<lang>.tmpl overrides. A file,
// or a directory holding no such file (the parent directory, templates saved
// as .txt), was accepted in silence and every document came out with the
// embedded text the operator meant to replace; serve now refuses to start.
func TestTemplatesSettingThatOverridesNothingRefused(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "lawyer_letter.zh-CN.tmpl")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	if err := os.WriteFile(filepath.Join(empty, "lawyer_letter.zh-CN.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, tmpl := range map[string]string{"ErrFile": file, "ErrNoTemplates": empty} {
		t.Run(name, func(t *testing.T) {
			var stderr bytes.Buffer
			stop := &cancelOn{text: "Dossier is running"}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stop.cancel = cancel
			code := Main(ctx, []string{"serve"}, []string{"DOSSIER_DATA=" + t.TempDir(), "DOSSIER_ADDR=127.0.0.1:0",
				"DOSSIER_TEMPLATES=" + tmpl}, strings.NewReader(""), stop, &stderr)
			if code != 1 || !strings.Contains(stderr.String(), "DOSSIER_TEMPLATES") {
				t.Fatalf("exit %d, want 1 naming DOSSIER_TEMPLATES: %q", code, stderr.String())
			}
		})
	}
}
