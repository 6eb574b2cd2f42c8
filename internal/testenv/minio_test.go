package testenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recordTB captures what Require decides instead of ending the test.
type recordTB struct {
	testing.TB
	calls []string
}

func (r *recordTB) Helper()                        {}
func (r *recordTB) Fatalf(format string, a ...any) { r.calls = append(r.calls, "fatal") }
func (r *recordTB) Skipf(format string, a ...any)  { r.calls = append(r.calls, "skip") }

func TestRequire(t *testing.T) {
	tests := []struct {
		name, require, want string
	}{
		{"OKSkipUnset", "", "skip"},
		{"OKSkipOther", "postgres", "skip"},
		{"ErrRequired", "postgres, minio", "fatal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("DOSSIER_TEST_REQUIRE", tt.require)
			r := &recordTB{TB: t}
			Require(r, "minio", "not installed")
			if len(r.calls) == 0 || r.calls[0] != tt.want {
				t.Fatalf("Require with %q: calls %v, want %s first", tt.require, r.calls, tt.want)
			}
		})
	}
}

func TestMinIOBinary(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "minio")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	notExe := filepath.Join(dir, "data")
	if err := os.WriteFile(notExe, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	homeExe := filepath.Join(home, ".cache", "dossier", "bin", "minio")
	if err := os.MkdirAll(filepath.Dir(homeExe), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(homeExe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, env, path, home string
		want                  string // "" means none found
	}{
		{"OKEnvFirst", exe, dir, home, exe},
		{"OKPath", "", dir, home, exe},
		{"OKHomeCache", "", t.TempDir(), home, homeExe},
		{"ErrEnvNotExecutable", notExe, dir, home, ""},
		{"ErrNone", "", t.TempDir(), t.TempDir(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("DOSSIER_MINIO_BIN", tt.env)
			t.Setenv("PATH", tt.path)
			t.Setenv("HOME", tt.home)
			got, why := MinIOBinary()
			if got != tt.want {
				t.Fatalf("MinIOBinary() = %q (%s), want %q", got, why, tt.want)
			}
			if got == "" && !strings.Contains(strings.ToLower(why), "minio") {
				t.Fatalf("unhelpful reason %q", why)
			}
		})
	}
}
