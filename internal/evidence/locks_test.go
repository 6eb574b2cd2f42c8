package evidence_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/s3"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/evidence"
	"github.com/dossier/dossier/internal/testenv"
)

// lockingFixture is a vault on SQLite whose blobs are in a MinIO bucket
// with object locking in GOVERNANCE mode (so that a test can shorten a
// retention behind the vault's back, as a privileged user could), and a
// raw client on that bucket.
type lockingFixture struct {
	*fixture
	s3     *s3.Store
	raw    *minio.Client
	bucket string
}

func newLockingFixture(t *testing.T) *lockingFixture {
	t.Helper()
	f := newFixture(t, "sqlite")
	srv := testenv.MinIO(t)
	bucket := "locks-" + strings.ToLower(dossier.NewID())
	s, err := s3.New(context.Background(), s3.Config{Endpoint: srv.Endpoint, Bucket: bucket,
		AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, ObjectLocking: true, RetentionMode: "GOVERNANCE"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := minio.New(srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	f.vault.Blobs = s
	return &lockingFixture{fixture: f, s3: s, raw: raw, bucket: bucket}
}

func objectKey(sha string) string { return "sha256/" + sha[:2] + "/" + sha }

// liftHold lifts the legal hold of a blob directly in the bucket.
func (f *lockingFixture) liftHold(t *testing.T, sha string, hold bool) {
	t.Helper()
	st := minio.LegalHoldDisabled
	if hold {
		st = minio.LegalHoldEnabled
	}
	if err := f.raw.PutObjectLegalHold(context.Background(), f.bucket, objectKey(sha),
		minio.PutObjectLegalHoldOptions{Status: &st}); err != nil {
		t.Fatal(err)
	}
}

func (f *lockingFixture) ingest(t *testing.T, caseID string, data []byte) *dossier.Evidence {
	t.Helper()
	e, _, err := f.vault.Ingest(context.Background(), f.admin, caseID, form(t, "contract", "合同.pdf", data))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func shas(fs []evidence.LockFinding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.SHA256)
	}
	return out
}

// CheckLocks compares every blob's lock in the bucket with its records: a
// legal hold lifted in the bucket or a retention shortened there is a
// short lock (the bucket would let held bytes be deleted), a hold put on
// there that no record asks for a stale one; Fix applies the records'
// state. Before, nothing compared them: `dossier verify` only re-hashed.
func TestCheckLocks(t *testing.T) {
	ctx := context.Background()
	f := newLockingFixture(t)
	on := true

	// held shares its bytes with an item of another case, since deleted.
	held := f.ingest(t, f.caseID, []byte("保全的合同"))
	other := &dossier.Case{ID: dossier.NewID(), Number: "2026-SW-0002", Title: "另案",
		Creditor: dossier.Party{Name: "甲", Kind: dossier.PartyCompany}, Debtor: dossier.Party{Name: "乙", Kind: dossier.PartyCompany},
		Principal: 1, Currency: "CNY", DueDate: dossier.DateOf(time.Now()), Stage: dossier.StageNegotiation,
		CreatedBy: "u1", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := f.store.CreateCase(ctx, other); err != nil {
		t.Fatal(err)
	}
	deleted := f.ingest(t, other.ID, []byte("保全的合同"))
	if deleted.ID == held.ID || deleted.SHA256 != held.SHA256 {
		t.Fatalf("no second item on the same bytes: %s %s", deleted.ID, held.ID)
	}
	if err := f.vault.Delete(ctx, f.admin, deleted.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.vault.Hold(ctx, f.admin, held.ID, &on, "诉讼保全"); err != nil {
		t.Fatal(err)
	}
	f.vault.Retention = 24 * time.Hour
	retained := f.ingest(t, f.caseID, random(3000))
	f.vault.Retention = 0
	plain := f.ingest(t, f.caseID, random(3000))

	if r, err := f.vault.CheckLocks(ctx, evidence.LockOptions{}); err != nil || r.Blobs != 3 || len(r.Short)+len(r.Stale) != 0 {
		t.Fatalf("locks as the vault set them: %+v, %v; want 3 blobs in agreement", r, err)
	}

	// Behind the vault's back: the hold lifted, the retention shortened
	// (GOVERNANCE lets a privileged user), a hold put on plain bytes.
	f.liftHold(t, held.SHA256, false)
	earlier := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	gov := minio.Governance
	if err := f.raw.PutObjectRetention(ctx, f.bucket, objectKey(retained.SHA256), minio.PutObjectRetentionOptions{
		GovernanceBypass: true, Mode: &gov, RetainUntilDate: &earlier}); err != nil {
		t.Fatal(err)
	}
	f.liftHold(t, plain.SHA256, true)

	r, err := f.vault.CheckLocks(ctx, evidence.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]evidence.LockFinding{}
	for _, x := range r.Short {
		got[x.SHA256] = x
	}
	if len(r.Short) != 2 || got[held.SHA256].SHA256 == "" || got[retained.SHA256].SHA256 == "" {
		t.Fatalf("short locks %v, want the held and the retained item's blobs", shas(r.Short))
	}
	h := got[held.SHA256]
	if h.Problem != "legal hold missing" || !h.WantHold || h.HaveHold {
		t.Errorf("held item's finding: %+v", h)
	}
	users := []evidence.LockUser{{EvidenceID: held.ID, CaseID: held.CaseID}, {EvidenceID: deleted.ID, CaseID: other.ID}}
	if len(h.Users) != 2 || (h.Users[0] != users[0] && h.Users[0] != users[1]) || h.Users[0] == h.Users[1] ||
		(h.Users[1] != users[0] && h.Users[1] != users[1]) {
		t.Errorf("held blob's users %v, want both items, the deleted one included: %v", h.Users, users)
	}
	if s := h.String(); !strings.Contains(s, held.ID) || !strings.Contains(s, deleted.ID) || !strings.Contains(s, other.ID) {
		t.Errorf("finding %q does not name the items and cases", s)
	}
	ret := got[retained.SHA256]
	if !ret.HaveUntil.Equal(earlier) || !ret.WantUntil.Truncate(time.Second).Equal(retained.RetainUntil.Truncate(time.Second)) ||
		!strings.Contains(ret.Problem, "retained until "+earlier.Format(time.RFC3339)) {
		t.Errorf("retained item's finding: %s: storage %v, records %v (want storage %v, records %v)",
			ret, ret.HaveUntil, ret.WantUntil, earlier, retained.RetainUntil)
	}
	if len(r.Stale) != 1 || r.Stale[0].SHA256 != plain.SHA256 || r.Stale[0].Problem != "legal hold that no record asks for" {
		t.Errorf("stale locks %+v, want the plain item's blob", r.Stale)
	}

	r, err = f.vault.CheckLocks(ctx, evidence.LockOptions{Fix: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Short) != 2 || len(r.Stale) != 1 {
		t.Fatalf("fix: short %v stale %v, want what was found before", shas(r.Short), shas(r.Stale))
	}
	for _, x := range append(r.Short, r.Stale...) {
		if !x.Fixed || x.FixErr != "" || x.Changed == "" {
			t.Errorf("not fixed: %+v", x)
		}
	}
	for _, tt := range []struct {
		sha   string
		until time.Time
		hold  bool
	}{{held.SHA256, time.Time{}, true}, {retained.SHA256, retained.RetainUntil.Truncate(time.Second), false}, {plain.SHA256, time.Time{}, false}} {
		// S3 keeps retention dates to the millisecond.
		until, hold, err := f.s3.LockState(ctx, tt.sha)
		if err != nil || hold != tt.hold || !until.Truncate(time.Second).Equal(tt.until) {
			t.Errorf("blob %s after the fix: until=%v hold=%v (%v), want %v %v", tt.sha, until, hold, err, tt.until, tt.hold)
		}
	}
	if r, err := f.vault.CheckLocks(ctx, evidence.LockOptions{}); err != nil || len(r.Short)+len(r.Stale) != 0 {
		t.Errorf("after the fix: %+v, %v", r, err)
	}
	if err := f.vault.Blobs.Delete(ctx, held.SHA256); !errors.Is(err, blob.ErrLocked) {
		t.Errorf("held bytes after the fix: delete answered %v, want ErrLocked", err)
	}
}

// releasingStore releases an item's hold, as a request served meanwhile
// would, the first time the lock of its blob is read.
type releasingStore struct {
	*s3.Store
	sha     string
	release func()
}

func (s *releasingStore) LockState(ctx context.Context, sha string) (time.Time, bool, error) {
	if sha == s.sha && s.release != nil {
		s.release()
		s.release = nil
	}
	return s.Store.LockState(ctx, sha)
}

// A hold released while the check runs (the records read with the hold,
// the storage after the release) is no missing lock: the records are read
// again before a disagreement counts.
func TestCheckLocksDuringRelease(t *testing.T) {
	ctx := context.Background()
	f := newLockingFixture(t)
	e := f.ingest(t, f.caseID, random(2000))
	on, off := true, false
	if _, err := f.vault.Hold(ctx, f.admin, e.ID, &on, "诉讼保全"); err != nil {
		t.Fatal(err)
	}
	released := false
	f.vault.Blobs = &releasingStore{Store: f.s3, sha: e.SHA256, release: func() {
		if _, err := f.vault.Hold(ctx, f.admin, e.ID, &off, "和解"); err != nil {
			t.Error(err)
		}
		released = true
	}}
	r, err := f.vault.CheckLocks(ctx, evidence.LockOptions{})
	if err != nil || !released {
		t.Fatalf("check: %v (released %v)", err, released)
	}
	if len(r.Short)+len(r.Stale) != 0 {
		t.Errorf("a release during the check reported: short %+v stale %+v", r.Short, r.Stale)
	}
}

// A store without locks has none to compare: disk, and a bucket made
// without object locking.
func TestCheckLocksErrNoLocking(t *testing.T) {
	ctx := context.Background()
	for _, store := range []string{"disk", "minio"} {
		t.Run(store, func(t *testing.T) {
			f, _ := newFixtureOn(t, "sqlite", store)
			f.ingest(t, random(100))
			if _, err := f.vault.CheckLocks(ctx, evidence.LockOptions{}); !errors.Is(err, blob.ErrNoLocking) {
				t.Fatalf("CheckLocks = %v, want ErrNoLocking", err)
			}
		})
	}
}

func (f *fixture) ingest(t *testing.T, data []byte) *dossier.Evidence {
	t.Helper()
	e, _, err := f.vault.Ingest(context.Background(), f.admin, f.caseID, form(t, "contract", "合同.pdf", data))
	if err != nil {
		t.Fatal(err)
	}
	return e
}
