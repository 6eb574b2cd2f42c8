package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/dossier/dossier/internal/testenv"
)

// `dossier verify` compares each blob's lock in an object-locking bucket
// with the records: a legal hold lifted in the bucket (the bucket would
// let held evidence be deleted) exits 1 naming the item and its case; a
// hold put on in the bucket that no record asks for is listed as stale
// without failing; --fix-locks sets both to what the records say, after
// which verify passes. Before, verify only re-hashed the blobs and passed.
func TestVerifyLocks(t *testing.T) {
	srv := testenv.MinIO(t)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	bucket := "verify-locks-" + hex.EncodeToString(b)
	env := []string{"DOSSIER_ADMIN_PASSWORD=" + crashPassword, "DOSSIER_S3_ENDPOINT=" + srv.Endpoint,
		"DOSSIER_S3_BUCKET=" + bucket, "DOSSIER_S3_ACCESS_KEY=" + srv.AccessKey, "DOSSIER_S3_SECRET_KEY=" + srv.SecretKey,
		"DOSSIER_S3_OBJECT_LOCK=true"}
	data := t.TempDir()
	p := start(t, data, env...)
	token := loginAdmin(t, p.url)
	caseID := newCase(t, p.url, token, "VL-1")
	var items []map[string]any
	for i := 0; i < 3; i++ {
		body := make([]byte, 10000)
		_, _ = rand.Read(body)
		status, out, err := uploadFile(p.url, token, caseID, body, false)
		if err != nil || status != 201 {
			t.Fatalf("upload: %d %v %v", status, out, err)
		}
		items = append(items, out)
	}
	held, stale := items[0], items[1]
	if status, out, err := send("PUT", p.url+"/api/v1/evidence/"+held["id"].(string)+"/hold", token, "",
		map[string]any{"hold": true, "reason": "诉讼保全"}); err != nil || status != 200 {
		t.Fatalf("hold: %d %s %v", status, out, err)
	}
	p.stop(t)

	verify := func(args ...string) (int, string) {
		return runCLI(t, env, data, append([]string{"verify"}, args...)...)
	}
	if code, out := verify(); code != 0 || !strings.Contains(out, "locks: ok: 3 blobs") {
		t.Fatalf("locks as serve set them: exit %d\n%s", code, out)
	}

	raw, err := minio.New(srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	key := func(it map[string]any) string {
		sha := it["sha256"].(string)
		return "sha256/" + sha[:2] + "/" + sha
	}
	setHold := func(it map[string]any, st minio.LegalHoldStatus) {
		t.Helper()
		if err := raw.PutObjectLegalHold(ctx, bucket, key(it), minio.PutObjectLegalHoldOptions{Status: &st}); err != nil {
			t.Fatal(err)
		}
	}
	hold := func(it map[string]any) minio.LegalHoldStatus {
		t.Helper()
		st, err := raw.GetObjectLegalHold(ctx, bucket, key(it), minio.GetObjectLegalHoldOptions{})
		if err != nil {
			if minio.ToErrorResponse(err).Code == "NoSuchObjectLockConfiguration" {
				return minio.LegalHoldDisabled
			}
			t.Fatal(err)
		}
		return *st
	}
	// Someone with rights on the bucket lifts the hold, and puts one on
	// another item.
	setHold(held, minio.LegalHoldDisabled)
	setHold(stale, minio.LegalHoldEnabled)

	code, out := verify()
	if code != 1 {
		t.Fatalf("hold lifted in the bucket: exit %d, want 1\n%s", code, out)
	}
	line := func(prefix string, it map[string]any) string {
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, prefix) && strings.Contains(l, it["sha256"].(string)) {
				return l
			}
		}
		return ""
	}
	if l := line("LOCK MISMATCH", held); !strings.Contains(l, "legal hold missing") ||
		!strings.Contains(l, held["id"].(string)) || !strings.Contains(l, caseID) {
		t.Errorf("the lifted hold is not listed with its item and case:\n%s", out)
	}
	if l := line("STALE LOCK", stale); !strings.Contains(l, stale["id"].(string)) {
		t.Errorf("the stale hold is not listed:\n%s", out)
	}
	if strings.Contains(out, items[2]["sha256"].(string)) || !strings.Contains(out, "locks: FAILED: 1 of 3 blobs") {
		t.Errorf("report:\n%s", out)
	}
	if !strings.Contains(out, "checked the locks of 3/3 blobs") {
		t.Errorf("no progress on stderr:\n%s", out)
	}

	if code, out = verify("--fix-locks"); code != 0 {
		t.Fatalf("--fix-locks: exit %d, want 0\n%s", code, out)
	}
	if l := line("FIXED LOCK", held); !strings.Contains(l, "legal hold set") {
		t.Errorf("--fix-locks does not report the hold it set:\n%s", out)
	}
	if l := line("FIXED STALE LOCK", stale); !strings.Contains(l, "legal hold lifted") {
		t.Errorf("--fix-locks does not report the hold it lifted:\n%s", out)
	}
	if hold(held) != minio.LegalHoldEnabled || hold(stale) != minio.LegalHoldDisabled {
		t.Errorf("after --fix-locks: held item's object %s, stale item's %s", hold(held), hold(stale))
	}
	if code, out := verify(); code != 0 || !strings.Contains(out, "locks: ok: 3 blobs locked as their records ask\n") {
		t.Fatalf("after --fix-locks: exit %d\n%s", code, out)
	}
}

// On a store that has no locks the check is skipped, and says so.
func TestVerifyLocksNotChecked(t *testing.T) {
	data, env, p, token := startCrash(t, "sqlite", "disk")
	caseID := newCase(t, p.url, token, "VL-2")
	if status, out, err := uploadFile(p.url, token, caseID, randomBody(5000), false); err != nil || status != 201 {
		t.Fatalf("upload: %d %v %v", status, out, err)
	}
	p.stop(t)
	if code, out := runCLI(t, env, data, "verify", "--fix-locks"); code != 0 || !strings.Contains(out, "locks: not checked") {
		t.Fatalf("verify on disk: exit %d\n%s", code, out)
	}
}
