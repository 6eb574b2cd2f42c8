package evidence_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/evidence"
)

// After a fixity check found an item's bytes damaged, uploading the intact
// original again (to the same case, another case, or as a version) restores
// the stored bytes, and the upload's audit event says so. Before, the store
// kept the damaged bytes because the name existed and answered 201/200.
func TestReuploadRepairsDamagedBlob(t *testing.T) {
	orig := random(10000)
	tests := []struct {
		name   string
		upload func(ctx context.Context, f *fixture, first *dossier.Evidence, other string) (*dossier.Evidence, error)
	}{
		{"SameCase", func(ctx context.Context, f *fixture, _ *dossier.Evidence, _ string) (*dossier.Evidence, error) {
			e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", orig))
			return e, err
		}},
		{"OtherCase", func(ctx context.Context, f *fixture, _ *dossier.Evidence, other string) (*dossier.Evidence, error) {
			e, _, err := f.vault.Ingest(ctx, f.admin, other, form(t, "contract", "合同.pdf", orig))
			return e, err
		}},
		{"AsVersion", func(ctx context.Context, f *fixture, _ *dossier.Evidence, other string) (*dossier.Evidence, error) {
			e, _, err := f.vault.Ingest(ctx, f.admin, other, form(t, "contract", "a.pdf", random(500)))
			if err != nil {
				return nil, err
			}
			e, _, err = f.vault.AddVersion(ctx, f.admin, e.ID, form(t, "", "合同.pdf", orig))
			return e, err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "sqlite")
			ctx := context.Background()
			other := dossier.NewID()
			c, err := f.store.Case(ctx, f.caseID)
			if err != nil {
				t.Fatal(err)
			}
			c.ID, c.Number = other, "2026-SW-0002"
			if err := f.store.CreateCase(ctx, c); err != nil {
				t.Fatal(err)
			}
			first, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", orig))
			if err != nil {
				t.Fatal(err)
			}
			damage(t, f, first)

			note := &dossier.AuditNote{}
			e, err := tt.upload(dossier.WithAuditNote(ctx, note), f, first, other)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{first.ID, e.ID} {
				if ck, err := f.vault.Verify(ctx, f.admin, id); err != nil || !ck.OK {
					t.Errorf("after re-upload, %s verifies %+v %v", id, ck, err)
				}
			}
			if !strings.Contains(note.Detail, "repaired") || !strings.Contains(note.Detail, first.SHA256) {
				t.Errorf("audit detail does not record the repair: %q", note.Detail)
			}
		})
	}
}

// damage overwrites a few bytes of e's stored blob, as bit rot would, and
// checks that a fixity check finds it.
func damage(t *testing.T, f *fixture, e *dossier.Evidence) {
	t.Helper()
	p := filepath.Join(f.blobs.Root(), e.SHA256[0:2], e.SHA256[2:4], e.SHA256)
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	fh, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fh.WriteAt([]byte("bitrot"), 100)
	fh.Close()
	if ck, err := f.vault.Verify(context.Background(), f.admin, e.ID); err != nil || ck.OK {
		t.Fatalf("damage not found: %+v %v", ck, err)
	}
}

// formThen is an upload form whose text fields come after the file, so they
// are checked only once the bytes are stored.
func formThen(name string, data []byte, fields ...string) *evidence.FormReader {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	for i := 0; i+1 < len(fields); i += 2 {
		_ = w.WriteField(fields[i], fields[i+1])
	}
	_ = w.Close()
	return evidence.NewFormReader(bytes.NewReader(b.Bytes()), w.Boundary())
}

// An upload refused after its bytes repaired a damaged blob (a field after
// the file was bad) still changed the store: its audit event records the
// repair beside the refusal. Before, the repair was noted only on success.
func TestRefusedUploadRecordsRepair(t *testing.T) {
	orig := random(10000)
	tests := []struct {
		name   string
		upload func(ctx context.Context, f *fixture, first *dossier.Evidence) error
	}{
		{"ErrOccurredAt", func(ctx context.Context, f *fixture, _ *dossier.Evidence) error {
			_, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, formThen("合同.pdf", orig, "kind", "contract", "occurred_at", "昨天"))
			return err
		}},
		{"ErrDeclaredAfterFile", func(ctx context.Context, f *fixture, _ *dossier.Evidence) error {
			_, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, formThen("合同.pdf", orig, "kind", "contract",
				"sha256", hexSHA(random(10))))
			return err
		}},
		{"ErrVersionDeclaredAfterFile", func(ctx context.Context, f *fixture, _ *dossier.Evidence) error {
			e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "a.pdf", random(500)))
			if err != nil {
				return err
			}
			_, _, err = f.vault.AddVersion(ctx, f.admin, e.ID, formThen("合同.pdf", orig, "sha256", hexSHA(random(10))))
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "sqlite")
			ctx := context.Background()
			first, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", orig))
			if err != nil {
				t.Fatal(err)
			}
			damage(t, f, first)
			note := &dossier.AuditNote{}
			if err := tt.upload(dossier.WithAuditNote(ctx, note), f, first); dossier.ErrorCode(err) != dossier.EINVALID {
				t.Fatalf("upload: %v, want a 422", err)
			}
			if ck, err := f.vault.Verify(ctx, f.admin, first.ID); err != nil || !ck.OK {
				t.Errorf("after the refused upload, the item verifies %+v %v", ck, err)
			}
			if !strings.Contains(note.Detail, "repaired") || !strings.Contains(note.Detail, first.SHA256) {
				t.Errorf("audit detail of the refused upload does not record the repair: %q", note.Detail)
			}
		})
	}
}
