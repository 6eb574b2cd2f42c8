package evidence_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

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
