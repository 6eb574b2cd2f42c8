package evidence_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/blob/s3"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/evidence"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

type fixture struct {
	vault  *evidence.Vault
	store  *sqlstore.DB
	blobs  *disk.Store
	admin  *dossier.Actor
	caseID string
}

func newFixture(t *testing.T, meta string) *fixture {
	t.Helper()
	ctx := context.Background()
	url := filepath.Join(t.TempDir(), "meta.db")
	if meta == "postgres" {
		url = testenv.Postgres(t)
	}
	db, err := sqlstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	blobs, err := disk.New(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	c := &dossier.Case{ID: dossier.NewID(), Number: "2026-SW-0001", Title: "货款纠纷",
		Creditor:  dossier.Party{Name: "杭州甲公司", Kind: dossier.PartyCompany},
		Debtor:    dossier.Party{Name: "宁波乙贸易有限公司", Kind: dossier.PartyCompany},
		Principal: 100000, Currency: "CNY", DueDate: dossier.DateOf(now), Stage: dossier.StageNegotiation,
		CreatedBy: "u1", CreatedAt: now, UpdatedAt: now}
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	admin := &dossier.Actor{User: &dossier.User{ID: "u1", Username: "admin", Role: dossier.RoleAdmin}}
	return &fixture{vault: &evidence.Vault{Store: db, Blobs: blobs}, store: db, blobs: blobs, admin: admin, caseID: c.ID}
}

func form(t *testing.T, kind, name string, data []byte) *evidence.FormReader {
	body, boundary := formBody(kind, name, data)
	return evidence.NewFormReader(bytes.NewReader(body), boundary)
}

func formBody(kind, name string, data []byte) (body []byte, boundary string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if kind != "" { // a new version's form has no kind
		_ = w.WriteField("kind", kind)
	}
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = w.Close()
	return b.Bytes(), w.Boundary()
}

// newFixtureOn is newFixture with its vault on blob store kind store
// ("disk" or "minio", an empty bucket), which it also returns.
func newFixtureOn(t *testing.T, meta, store string) (*fixture, blob.Store) {
	t.Helper()
	f := newFixture(t, meta)
	if store == "disk" {
		return f, f.blobs
	}
	f.vault.Blobs = newS3(t)
	return f, f.vault.Blobs
}

// newS3 is an empty bucket on the test MinIO server.
func newS3(t *testing.T) blob.Store {
	srv := testenv.MinIO(t)
	s, err := s3.New(context.Background(), s3.Config{Endpoint: srv.Endpoint,
		Bucket: "ev-" + strings.ToLower(dossier.NewID()), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A request body that breaks off or ends early is an interrupted upload on
// every store, for a first upload and for a new version: no record, no blob. net/http's
// body fails with io.ErrUnexpectedEOF when the client goes away before
// Content-Length, and that must not pass for the end of the file (it did,
// through io.ReadFull and minio-go, whenever the store saw the broken body
// before the request's context ended: a truncated blob was committed).
func TestIngestDroppedBody(t *testing.T) {
	for _, store := range []string{"disk", "minio"} {
		t.Run(store, func(t *testing.T) {
			ctx := context.Background()
			f, blobs := newFixtureOn(t, "sqlite", store)
			first, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "recording", "a.wav", random(1000)))
			if err != nil {
				t.Fatal(err)
			}
			// Cut inside the file, at an odd offset past several buffers.
			file := random(9 << 20)
			dropped := func(kind string) *evidence.FormReader {
				body, boundary := formBody(kind, "录音.wav", file)
				return evidence.NewFormReader(io.MultiReader(bytes.NewReader(body[:len(body)/2+123]),
					iotest.ErrReader(io.ErrUnexpectedEOF)), boundary)
			}
			_, _, err = f.vault.Ingest(ctx, f.admin, f.caseID, dropped("recording"))
			if dossier.ErrorCode(err) != dossier.EMALFORMED || !strings.Contains(dossier.ErrorMessage(err), "interrupted") {
				t.Errorf("Ingest of a dropped body: %v", err)
			}
			_, _, err = f.vault.AddVersion(ctx, f.admin, first.ID, dropped(""))
			if dossier.ErrorCode(err) != dossier.EMALFORMED {
				t.Errorf("AddVersion of a dropped body: %v", err)
			}
			// A body that simply ends before its closing boundary (a client
			// that sent fewer bytes than the file) is the same failure.
			body, boundary := formBody("recording", "录音.wav", file)
			short := evidence.NewFormReader(bytes.NewReader(body[:len(body)/3]), boundary)
			_, _, err = f.vault.Ingest(ctx, f.admin, f.caseID, short)
			if dossier.ErrorCode(err) != dossier.EMALFORMED {
				t.Errorf("Ingest of a body cut short: %v", err)
			}
			_, total, _, err := f.store.ListEvidence(ctx, dossier.EvidenceFilter{CaseID: f.caseID})
			if err != nil || total != 1 {
				t.Errorf("%d records (%v), want the first upload only", total, err)
			}
			if vs, err := f.store.Versions(ctx, first.ID); err != nil || len(vs) != 1 {
				t.Errorf("%d versions (%v), want 1", len(vs), err)
			}
			var refs []blob.Ref
			_ = blobs.Walk(ctx, func(r blob.Ref) error { refs = append(refs, r); return nil })
			if len(refs) != 1 || refs[0].SHA256 != first.SHA256 {
				t.Errorf("blobs after dropped uploads: %+v, want only %s", refs, first.SHA256)
			}
		})
	}
}

func random(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// Identical uploads racing each other end as one item: the losers get it
// back as a duplicate instead of an error.
func TestIngestConcurrentDuplicates(t *testing.T) {
	for _, meta := range []string{"sqlite", "postgres"} {
		t.Run(meta, func(t *testing.T) {
			f := newFixture(t, meta)
			data := random(100 << 10)
			var wg sync.WaitGroup
			ids := make([]string, 6)
			errs := make([]error, 6)
			for i := range ids {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					e, _, err := f.vault.Ingest(context.Background(), f.admin, f.caseID, form(t, "photo", "p.jpg", data))
					if err == nil {
						ids[i] = e.ID
					}
					errs[i] = err
				}(i)
			}
			wg.Wait()
			for i := range ids {
				if errs[i] != nil || ids[i] != ids[0] {
					t.Fatalf("upload %d: %q %v (first %q)", i, ids[i], errs[i], ids[0])
				}
			}
		})
	}
}

func TestSweep(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "sqlite")
	kept, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "c.pdf", random(5000)))
	if err != nil {
		t.Fatal(err)
	}
	// Orphans as a crash leaves them: stored bytes, no record.
	orphan, err := f.blobs.Put(ctx, bytes.NewReader(random(3000)), "")
	if err != nil {
		t.Fatal(err)
	}
	document, err := f.blobs.Put(ctx, bytes.NewReader(random(3000)), "")
	if err != nil {
		t.Fatal(err)
	}
	docs := func(_ context.Context, mark func(string)) error { mark(document.SHA256); return nil }
	exists := func(sha string) bool { _, err := f.blobs.Stat(ctx, sha); return err == nil }

	t.Run("OK/YoungOrphanKept", func(t *testing.T) {
		res, err := f.vault.Sweep(ctx, evidence.SweepOptions{MinAge: time.Hour, Referenced: []func(context.Context, func(string)) error{docs}})
		if err != nil || len(res.Removed) != 0 || res.Young != 1 || !exists(orphan.SHA256) {
			t.Fatalf("young orphan: %+v %v", res, err)
		}
	})
	t.Run("OK/DryRun", func(t *testing.T) {
		res, err := f.vault.Sweep(ctx, evidence.SweepOptions{DryRun: true, Referenced: []func(context.Context, func(string)) error{docs}})
		if err != nil || len(res.Removed) != 1 || !exists(orphan.SHA256) {
			t.Fatalf("dry run: %+v %v", res, err)
		}
	})
	t.Run("OK/OldOrphanRemoved", func(t *testing.T) {
		p := filepath.Join(f.blobs.Root(), orphan.SHA256[0:2], orphan.SHA256[2:4], orphan.SHA256)
		old := time.Now().Add(-2 * time.Hour)
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
		res, err := f.vault.Sweep(ctx, evidence.SweepOptions{MinAge: time.Hour, Referenced: []func(context.Context, func(string)) error{docs}})
		if err != nil || len(res.Removed) != 1 || res.Removed[0] != orphan.SHA256 {
			t.Fatalf("sweep: %+v %v", res, err)
		}
		if exists(orphan.SHA256) || !exists(kept.SHA256) || !exists(document.SHA256) {
			t.Fatalf("after sweep: orphan %v, evidence %v, document %v", exists(orphan.SHA256), exists(kept.SHA256), exists(document.SHA256))
		}
	})
	t.Run("OK/TombstonedKept", func(t *testing.T) {
		if err := f.vault.Delete(ctx, f.admin, kept.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.vault.Sweep(ctx, evidence.SweepOptions{}); err != nil || !exists(kept.SHA256) {
			t.Fatalf("tombstoned item's bytes swept: %v", err)
		}
	})
}
