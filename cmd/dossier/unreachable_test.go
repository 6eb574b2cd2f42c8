package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A backend that cannot be reached or a data directory that cannot be made
// stops every command with a message naming the setting to fix, not the
// driver's words alone ("sqlstore: migrate: failed to initialize: …").
func TestUnreachableBackendsNameTheSetting(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"ErrDatabaseServe", []string{"DATABASE_URL=postgres://postgres@127.0.0.1:1/dossier?sslmode=disable&connect_timeout=5"}, []string{"serve"}, "DATABASE_URL"},
		{"ErrDatabaseUser", []string{"DATABASE_URL=postgres://postgres@127.0.0.1:1/dossier?sslmode=disable&connect_timeout=5"}, []string{"user", "list"}, "DATABASE_URL"},
		{"ErrS3Serve", []string{"DOSSIER_S3_ENDPOINT=127.0.0.1:1", "DOSSIER_S3_ACCESS_KEY=k", "DOSSIER_S3_SECRET_KEY=secret-key"}, []string{"serve"}, "DOSSIER_S3_ENDPOINT"},
		{"ErrDataDirServe", []string{"DOSSIER_DATA=" + filepath.Join(file, "data")}, []string{"serve"}, "DOSSIER_DATA"},
		{"ErrDataDirUser", []string{"DOSSIER_DATA=" + file}, []string{"user", "list"}, "DOSSIER_DATA"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			env := append([]string{"DOSSIER_DATA=" + t.TempDir(), "DOSSIER_ADDR=127.0.0.1:0"}, tc.env...)
			code := Main(context.Background(), tc.args, env, strings.NewReader(""), io.Discard, &stderr)
			if code != 1 || !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("exit %d, want 1 with a message naming %s: %q", code, tc.want, stderr.String())
			}
			if strings.Contains(stderr.String(), "secret-key") {
				t.Fatalf("the message repeats the S3 secret: %q", stderr.String())
			}
		})
	}
}
