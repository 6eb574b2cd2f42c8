package evidence_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
)

// A download of a version whose stored bytes are gone is a fixity failure
// like bytes that changed, and its audit note says so (FIXITY FAILED,
// missing, the sha256), as a bundle's does. Before, the note kept only the
// version line and the handler's "internal error": the trail did not say
// that an exhibit's original had vanished from the store.
func TestContentOfMissingBlob(t *testing.T) {
	ctx := context.Background()
	for _, store := range []string{"disk", "minio"} {
		t.Run(store, func(t *testing.T) {
			f, blobs := newFixtureOn(t, "sqlite", store)
			e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", random(4000)))
			if err != nil {
				t.Fatal(err)
			}
			if store == "disk" {
				err = os.Remove(blobPath(t, f, e.SHA256))
			} else {
				err = blobs.Delete(ctx, e.SHA256)
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range []struct{ off, n int64 }{{0, -1}, {10, 20}} {
				note := &dossier.AuditNote{}
				nctx := dossier.WithAuditNote(ctx, note)
				ct, err := f.vault.Content(nctx, f.admin, e.ID, 0)
				if err != nil {
					t.Fatal(err)
				}
				rc, err := ct.Open(nctx, r.off, r.n)
				if err == nil {
					rc.Close()
				}
				if !errors.Is(err, blob.ErrNotExist) || dossier.ErrorCode(err) != dossier.EINTERNAL {
					t.Errorf("range %d+%d: %v, want an internal error wrapping ErrNotExist", r.off, r.n, err)
				}
				if !strings.Contains(note.Detail, "FIXITY FAILED") || !strings.Contains(note.Detail, "missing") ||
					!strings.Contains(note.Detail, e.SHA256) {
					t.Errorf("range %d+%d: audit detail %q does not report the missing bytes", r.off, r.n, note.Detail)
				}
			}
		})
	}
}
