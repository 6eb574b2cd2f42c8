package bundle_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/dossier"
)

// A bundle download whose stored bytes are damaged, cut short or gone stops
// before the ZIP is complete, and the request's audit note says which file
// failed its fixity and how, so the trail does not read as an ordinary
// download. Before, the note kept only what the handler added ("internal
// error"), with nothing naming the damaged exhibit.
func TestZipOfDamagedBlobIsAudited(t *testing.T) {
	tests := []struct {
		name   string
		damage func(p string) error
		want   error
	}{
		{"ErrChanged", func(p string) error {
			raw, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			raw[len(raw)/2] ^= 1
			return os.WriteFile(p, raw, 0o400)
		}, blob.ErrCorrupt},
		{"ErrTruncated", func(p string) error { return os.Truncate(p, 10) }, blob.ErrCorrupt},
		{"ErrMissing", os.Remove, blob.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			root := filepath.Join(t.TempDir(), "blobs")
			bs, err := disk.New(root)
			if err != nil {
				t.Fatal(err)
			}
			f := newFixture(t, "", bs)
			f.addAll(t)
			b, err := f.svc.Create(ctx, admin, f.c.ID, f.request("证据"))
			if err != nil {
				t.Fatal(err)
			}
			sha := f.ev[4].SHA256
			p := filepath.Join(root, sha[0:2], sha[2:4], sha)
			if err := os.Chmod(p, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := tt.damage(p); err != nil {
				t.Fatal(err)
			}
			note := &dossier.AuditNote{Detail: "bundle " + b.ID}
			var buf bytes.Buffer
			err = f.svc.WriteZip(dossier.WithAuditNote(ctx, note), &buf, b, f.c, "zh")
			if !errors.Is(err, tt.want) {
				t.Fatalf("WriteZip: %v, want %v", err, tt.want)
			}
			if _, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err == nil {
				t.Fatal("the ZIP was completed")
			}
			name := b.Items[4].ZipName
			if !strings.Contains(note.Detail, "FIXITY FAILED") || !strings.Contains(note.Detail, name) ||
				!strings.Contains(note.Detail, sha) || !strings.HasPrefix(note.Detail, "bundle "+b.ID) {
				t.Errorf("audit detail %q does not report the damaged file %s (%s)", note.Detail, name, sha)
			}
		})
	}
}
