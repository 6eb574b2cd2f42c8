package evidence_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
)

// cancellingStore cancels the request (its client goes away) just as the
// vault asks the storage to lock bytes.
type cancellingStore struct {
	blob.Store
	cancel context.CancelFunc
}

func (s *cancellingStore) Lock(ctx context.Context, sha string, until time.Time, hold bool) error {
	s.cancel()
	return s.Store.Lock(ctx, sha, until, hold)
}

// A request its client cancelled is not the blob store being down: the
// S3 client's error for it is a *url.Error, which blob.Unavailable took for
// a network failure of the store, so a download whose client left, and an
// upload or hold whose client left while the storage lock went on, were
// 503 "the blob store is unavailable" (an error-level log line, and an
// audit detail blaming the store). They are the client's doing, as an
// interrupted upload body already is (400).
func TestCancelledRequestIsNotStoreDown(t *testing.T) {
	f, blobs := newFixtureOn(t, "sqlite", "minio")
	ctx := context.Background()
	first, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", random(5000)))
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, err error) {
		t.Helper()
		if code := dossier.ErrorCode(err); code != dossier.EMALFORMED || strings.Contains(dossier.ErrorMessage(err), "unavailable") ||
			!strings.Contains(dossier.ErrorMessage(err), "cancelled") {
			t.Errorf("%s cancelled by its client: %v (code %s, message %q), want %s saying the request was cancelled",
				what, err, code, dossier.ErrorMessage(err), dossier.EMALFORMED)
		}
	}

	ct, err := f.vault.Content(ctx, f.admin, first.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	rc, err := ct.Open(cctx, 0, -1)
	if err == nil {
		rc.Close()
	}
	check("download", err)

	cctx, cancel = context.WithCancel(ctx)
	defer cancel()
	f.vault.Blobs = &cancellingStore{Store: blobs, cancel: cancel}
	hold := true
	_, err = f.vault.Hold(cctx, f.admin, first.ID, &hold, "诉讼保全")
	check("hold", err)

	cctx, cancel = context.WithCancel(ctx)
	defer cancel()
	f.vault.Blobs = &cancellingStore{Store: blobs, cancel: cancel}
	_, _, err = f.vault.Ingest(cctx, f.admin, f.caseID, form(t, "invoice", "发票.pdf", random(5000)))
	check("upload", err)
}
