package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"testing"

	"github.com/dossier/dossier/internal/blob/s3"
	"github.com/dossier/dossier/internal/testenv"
)

// DOSSIER_S3_OBJECT_LOCK promises that the storage itself refuses to delete
// evidence. Object locking can only be chosen when a bucket is made; on a
// bucket that exists without it the setting was silently without effect,
// and evidence stayed deletable in the store. Now serve refuses to start.
func TestObjectLockOnUnlockedBucketRefused(t *testing.T) {
	srv := testenv.MinIO(t)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	bucket := "r4-unlocked-" + hex.EncodeToString(b)
	if _, err := s3.New(context.Background(), s3.Config{Endpoint: srv.Endpoint, Bucket: bucket,
		AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}); err != nil {
		t.Fatal(err)
	}
	env := []string{"DOSSIER_DATA=" + t.TempDir(), "DOSSIER_ADDR=127.0.0.1:0", "DOSSIER_S3_ENDPOINT=" + srv.Endpoint,
		"DOSSIER_S3_ACCESS_KEY=" + srv.AccessKey, "DOSSIER_S3_SECRET_KEY=" + srv.SecretKey,
		"DOSSIER_S3_BUCKET=" + bucket, "DOSSIER_S3_OBJECT_LOCK=true"}
	// Should serve start after all, stop it at once: the exit is then 0.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr bytes.Buffer
	stdout := &cancelOn{text: "Dossier is running", cancel: cancel}
	code := Main(ctx, []string{"serve"}, env, strings.NewReader(""), stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "DOSSIER_S3_OBJECT_LOCK") {
		t.Fatalf("exit %d, want 1 naming DOSSIER_S3_OBJECT_LOCK: %q", code, stderr.String())
	}

	// A bucket serve makes itself with the setting is locked and accepted.
	p := start(t, t.TempDir(), "DOSSIER_S3_ENDPOINT="+srv.Endpoint, "DOSSIER_S3_ACCESS_KEY="+srv.AccessKey,
		"DOSSIER_S3_SECRET_KEY="+srv.SecretKey, "DOSSIER_S3_BUCKET="+bucket+"-locked", "DOSSIER_S3_OBJECT_LOCK=true")
	p.stop(t)
}

// cancelOn calls cancel once text has been written to it.
type cancelOn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	text   string
	cancel func()
}

func (w *cancelOn) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.text) {
		w.cancel()
	}
	return len(p), nil
}
