package evidence_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/evidence"
)

// sweepingStore runs an operator's `dossier verify --sweep` at the worst
// moment of an upload: after its bytes are stored, before its record is.
type sweepingStore struct {
	dossier.Store
	sweep func()
}

func (s *sweepingStore) CreateEvidence(ctx context.Context, e *dossier.Evidence) error {
	s.sweep()
	return s.Store.CreateEvidence(ctx, e)
}

func (s *sweepingStore) AddVersion(ctx context.Context, v *dossier.EvidenceVersion) error {
	s.sweep()
	return s.Store.AddVersion(ctx, v)
}

// An upload whose bytes are already stored as an old orphan (left by an
// earlier upload refused after its file, or by a crash) must not lose them
// to a sweep that runs while the upload is in progress: the blob is in use
// again from the moment the upload stored it. Before, the disk store
// confirmed the existing blob without touching it, so it still looked a day
// old, the sweep removed it, and the upload answered 201 with a record whose
// bytes were gone.
func TestSweepDuringUploadOfOrphanedBytes(t *testing.T) {
	tests := []struct {
		name string
		// upload stores data; first is an item uploaded before the orphan
		// was made.
		upload func(ctx context.Context, f *fixture, first *dossier.Evidence, data []byte) (*dossier.Evidence, error)
	}{
		{"Ingest", func(ctx context.Context, f *fixture, _ *dossier.Evidence, data []byte) (*dossier.Evidence, error) {
			e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", data))
			return e, err
		}},
		{"IngestDeclared", func(ctx context.Context, f *fixture, _ *dossier.Evidence, data []byte) (*dossier.Evidence, error) {
			e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, formDeclared(data))
			return e, err
		}},
		{"AddVersion", func(ctx context.Context, f *fixture, first *dossier.Evidence, data []byte) (*dossier.Evidence, error) {
			e, _, err := f.vault.AddVersion(ctx, f.admin, first.ID, form(t, "", "合同.pdf", data))
			return e, err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, "sqlite")
			data := random(20000)
			first, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "a.pdf", random(500)))
			if err != nil {
				t.Fatal(err)
			}
			// A refused upload leaves its bytes behind, unreferenced.
			if _, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, formThen("合同.pdf", data, "kind", "nonsense")); dossier.ErrorCode(err) != dossier.EINVALID {
				t.Fatalf("refused upload: %v", err)
			}
			sha := hexSHA(data)
			p := filepath.Join(f.blobs.Root(), sha[0:2], sha[2:4], sha)
			old := time.Now().Add(-48 * time.Hour)
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
			sweeper := &evidence.Vault{Store: f.store, Blobs: f.blobs}
			var swept []string
			f.vault.Store = &sweepingStore{Store: f.store, sweep: func() {
				res, err := sweeper.Sweep(ctx, evidence.SweepOptions{MinAge: 24 * time.Hour})
				if err != nil {
					t.Errorf("sweep: %v", err)
					return
				}
				swept = append(swept, res.Removed...)
			}}
			e, err := tt.upload(ctx, f, first, data)
			if err != nil {
				t.Fatal(err)
			}
			if e.SHA256 != sha {
				t.Fatalf("stored sha256 %s, want %s", e.SHA256, sha)
			}
			for _, s := range swept {
				if s == sha {
					t.Errorf("the sweep removed the bytes of the upload in progress")
				}
			}
			if ck, err := f.vault.Verify(ctx, f.admin, e.ID); err != nil || !ck.OK {
				t.Errorf("after the upload the item verifies %+v %v", ck, err)
			}
		})
	}
}

// formDeclared is an upload form that declares the file's sha256 first, so
// the store can confirm existing bytes without writing them again.
func formDeclared(data []byte) *evidence.FormReader {
	return declaredForm("contract", hexSHA(data), false, data)
}

// blobPath is where the disk store keeps an item's current bytes; the file
// is made writable so a test can damage it.
func blobPath(t *testing.T, f *fixture, sha string) string {
	t.Helper()
	p := filepath.Join(f.blobs.Root(), sha[0:2], sha[2:4], sha)
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A download must never pass stored bytes that no longer match the record
// as the evidence: the API sends the recorded sha256 as ETag and
// Repr-Digest beside them. Bytes changed in place are found by the digest
// before the last byte leaves, so the client never holds a complete copy;
// bytes cut short or grown are found before anything is sent, for a range
// too. Each is an error whose audit note says FIXITY FAILED. Before, Open
// passed the changed bytes through as if verified and a truncated blob
// simply ended early.
func TestContentOfDamagedBlob(t *testing.T) {
	ctx := context.Background()
	data := random(300 << 10)
	tests := []struct {
		name   string
		damage func(p string) error
	}{
		{"ErrChanged", func(p string) error {
			fh, err := os.OpenFile(p, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer fh.Close()
			_, err = fh.WriteAt([]byte("bitrot"), 1000)
			return err
		}},
		{"ErrLastByteChanged", func(p string) error {
			fh, err := os.OpenFile(p, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer fh.Close()
			_, err = fh.WriteAt([]byte{data[len(data)-1] ^ 1}, int64(len(data)-1))
			return err
		}},
		{"ErrTruncated", func(p string) error { return os.Truncate(p, int64(len(data)-10)) }},
		{"ErrGrown", func(p string) error {
			fh, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				return err
			}
			defer fh.Close()
			_, err = fh.Write([]byte("extra"))
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "sqlite")
			e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", data))
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.damage(blobPath(t, f, e.SHA256)); err != nil {
				t.Fatal(err)
			}
			for _, r := range []struct{ off, n int64 }{{0, -1}, {0, int64(len(data))}, {100, 50}} {
				note := &dossier.AuditNote{}
				nctx := dossier.WithAuditNote(ctx, note)
				ct, err := f.vault.Content(nctx, f.admin, e.ID, 0)
				if err != nil {
					t.Fatal(err)
				}
				var got []byte
				rc, err := ct.Open(nctx, r.off, r.n)
				if err == nil {
					got, err = io.ReadAll(rc)
					rc.Close()
				}
				if tt.name != "ErrTruncated" && tt.name != "ErrGrown" && r.off != 0 {
					// A range is checked against the size only: bytes
					// changed in place are found by a full read or Verify.
					continue
				}
				if !errors.Is(err, blob.ErrCorrupt) || dossier.ErrorCode(err) != dossier.EINTERNAL {
					t.Errorf("range %d+%d: read %d bytes, err %v; want an internal error wrapping ErrCorrupt", r.off, r.n, len(got), err)
				}
				if r.off == 0 && len(got) >= len(data) {
					t.Errorf("range %d+%d: all %d bytes were delivered before the damage was found", r.off, r.n, len(got))
				}
				if !strings.Contains(note.Detail, "FIXITY FAILED") || !strings.Contains(note.Detail, e.SHA256) {
					t.Errorf("range %d+%d: audit detail %q does not report the damage", r.off, r.n, note.Detail)
				}
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		f := newFixture(t, "sqlite")
		for _, d := range [][]byte{data, {7}, random(2)} {
			e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", d))
			if err != nil {
				t.Fatal(err)
			}
			ct, err := f.vault.Content(ctx, f.admin, e.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range []struct{ off, n int64 }{{0, -1}, {0, int64(len(d))}, {0, 1}, {1, -1}} {
				rc, err := ct.Open(ctx, r.off, r.n)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(rc)
				rc.Close()
				start, end, _ := blob.ClampRange(int64(len(d)), r.off, r.n)
				if err != nil || !bytes.Equal(got, d[start:end]) {
					t.Errorf("%d-byte item, range %d+%d: %d bytes, %v", len(d), r.off, r.n, len(got), err)
				}
			}
		}
	})
}
