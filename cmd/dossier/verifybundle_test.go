package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/dossier"
)

// writeBundleZip writes a bundle-shaped ZIP for files, with a manifest and
// SHA256SUMS computed from want (the digests the sender recorded).
func writeBundleZip(t *testing.T, files map[string][]byte, want map[string][]byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bundle.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	sum := func(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }
	m := bundle.Manifest{Format: "dossier-bundle/1"}
	var sums strings.Builder
	var items []dossier.BundleItem
	names := []string{bundle.ListName, bundle.MergedName, "originals/01-合同.pdf", "originals/02-录音.mp3"}
	for i, n := range names {
		w, _ := zw.Create(n)
		_, _ = w.Write(files[n])
		m.Files = append(m.Files, bundle.ManifestFile{Name: n, Size: int64(len(want[n])), SHA256: sum(want[n])})
		fmt.Fprintf(&sums, "%s  %s\n", sum(want[n]), n)
		if i >= 2 {
			it := dossier.BundleItem{N: i - 1, ZipName: n, SHA256: sum(want[n])}
			items = append(items, it)
			m.Items = append(m.Items, bundle.ManifestItem{N: it.N, File: n, SHA256: it.SHA256, Size: int64(len(want[n]))})
		}
	}
	m.MerkleRoot = bundle.MerkleRoot(items)
	mj, _ := json.Marshal(m)
	fmt.Fprintf(&sums, "%s  %s\n", sum(mj), bundle.ManifestName)
	for _, f := range []struct {
		n string
		b []byte
	}{{bundle.ManifestName, mj}, {bundle.SumsName, []byte(sums.String())}} {
		w, _ := zw.Create(f.n)
		_, _ = w.Write(f.b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVerifyBundle(t *testing.T) {
	good := map[string][]byte{bundle.ListName: []byte("%PDF list"), bundle.MergedName: []byte("%PDF merged"),
		"originals/01-合同.pdf": []byte("%PDF contract"), "originals/02-录音.mp3": []byte("ID3 audio")}
	tampered := map[string][]byte{}
	for k, v := range good {
		tampered[k] = v
	}
	tampered["originals/02-录音.mp3"] = []byte("ID3 edited audio")
	cases := []struct {
		name  string
		files map[string][]byte
		code  int
		out   string
	}{
		{"OK", good, 0, "ok: 5 files"},
		{"ErrTampered", tampered, 1, "FAIL originals/02-录音.mp3: sha256"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := writeBundleZip(t, tc.files, good)
			var out, errb bytes.Buffer
			code := Main(context.Background(), []string{"verify-bundle", p}, nil, nil, &out, &errb)
			if code != tc.code || !strings.Contains(out.String(), tc.out) {
				t.Fatalf("exit %d, want %d; stdout:\n%s\nstderr: %s", code, tc.code, out.String(), errb.String())
			}
		})
	}
	t.Run("ErrNotZip", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "x.zip")
		_ = os.WriteFile(p, []byte("not a zip"), 0o600)
		var out, errb bytes.Buffer
		if code := Main(context.Background(), []string{"verify-bundle", p}, nil, nil, &out, &errb); code != 1 {
			t.Fatalf("exit %d for a non-ZIP", code)
		}
	})
	t.Run("ErrUsage", func(t *testing.T) {
		var out, errb bytes.Buffer
		if code := Main(context.Background(), []string{"verify-bundle"}, nil, nil, &out, &errb); code != 2 {
			t.Fatalf("exit %d without a file", code)
		}
	})
}
