package evidence_test

import (
	"context"
	"io"
	"net/url"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/evidence"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

// cutAfterPut is the real blob store, with the metadata database cut the
// moment a Put has committed the bytes.
type cutAfterPut struct {
	blob.Store
	cut func()
}

func (c cutAfterPut) Put(ctx context.Context, r io.Reader, want string) (blob.Ref, error) {
	ref, err := c.Store.Put(ctx, r, want)
	c.cut()
	return ref, err
}

// PostgreSQL going away after the upload's bytes are stored, before its
// record is written: the upload is refused as a dependency down (503),
// never a 201, and no record exists once the database is back.
func TestIngestPostgresCutAfterBlob(t *testing.T) {
	ctx := context.Background()
	dbURL := testenv.Postgres(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := testenv.NewCutProxy(t, u.Host)
	u.Host = proxy.Addr()
	f := newFixture(t, "sqlite") // for its blobs and actor
	db := testenv.OpenStore(t, u.String())
	now := time.Now().UTC()
	c := &dossier.Case{ID: dossier.NewID(), Number: "2026-PG-0001", Title: "货款纠纷",
		Creditor:  dossier.Party{Name: "杭州甲公司", Kind: dossier.PartyCompany},
		Debtor:    dossier.Party{Name: "宁波乙贸易有限公司", Kind: dossier.PartyCompany},
		Principal: 100000, Currency: "CNY", DueDate: dossier.DateOf(now), Stage: dossier.StageNegotiation,
		CreatedBy: "u1", CreatedAt: now, UpdatedAt: now}
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	for _, store := range []string{"disk", "minio"} {
		var blobs blob.Store = f.blobs
		if store == "minio" {
			blobs = newS3(t)
		}
		v := &evidence.Vault{Store: db, Blobs: cutAfterPut{Store: blobs, cut: proxy.Cut}}
		e, created, err := v.Ingest(ctx, f.admin, c.ID, form(t, "contract", "合同.pdf", random(5000)))
		if err == nil {
			t.Fatalf("%s: upload answered %+v (created %v) with the database cut before its record", store, e, created)
		}
		if dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
			t.Errorf("%s: upload with the database cut: %v (code %s), want %s", store, err, dossier.ErrorCode(err), dossier.EUNAVAILABLE)
		}
	}
	direct, err := sqlstore.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close()
	if _, total, _, err := direct.ListEvidence(ctx, dossier.EvidenceFilter{CaseID: c.ID}); err != nil || total != 0 {
		t.Errorf("%d records (%v) after uploads refused with the database cut, want none", total, err)
	}
}
