package s3_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/blobtest"
)

// LockState reads back what Lock set, and what was changed behind the
// store's back, on the blob's current version.
func TestLockState(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		s, raw, bucket := newStore(t, true)
		ref, err := s.Put(ctx, blobtest.Stream(120, 1000), "")
		if err != nil {
			t.Fatal(err)
		}
		if until, hold, err := s.LockState(ctx, ref.SHA256); err != nil || !until.IsZero() || hold {
			t.Fatalf("unlocked blob: until=%v hold=%v err=%v, want no lock", until, hold, err)
		}
		want := time.Now().Add(time.Hour).Truncate(time.Second)
		if err := s.Lock(ctx, ref.SHA256, want, true); err != nil {
			t.Fatal(err)
		}
		until, hold, err := s.LockState(ctx, ref.SHA256)
		if err != nil || !until.Equal(want) || !hold {
			t.Fatalf("locked blob: until=%v hold=%v err=%v, want %v and a hold", until, hold, err, want)
		}
		// Someone with rights on the bucket lifts the hold directly.
		k := "sha256/" + ref.SHA256[:2] + "/" + ref.SHA256
		off := minio.LegalHoldDisabled
		if err := raw.PutObjectLegalHold(ctx, bucket, k, minio.PutObjectLegalHoldOptions{Status: &off}); err != nil {
			t.Fatal(err)
		}
		if until, hold, err = s.LockState(ctx, ref.SHA256); err != nil || !until.Equal(want) || hold {
			t.Fatalf("hold lifted behind the store: until=%v hold=%v err=%v, want %v and no hold", until, hold, err, want)
		}
	})
	t.Run("ErrNotExist", func(t *testing.T) {
		s, _, _ := newStore(t, true)
		for _, sha := range []string{strings.Repeat("ab", 32), "not a digest"} {
			if _, _, err := s.LockState(ctx, sha); !errors.Is(err, blob.ErrNotExist) {
				t.Errorf("LockState(%q) = %v, want ErrNotExist", sha, err)
			}
		}
	})
	t.Run("ErrNoLocking", func(t *testing.T) {
		s, _, _ := newStore(t, false)
		ref, err := s.Put(ctx, blobtest.Stream(121, 1000), "")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.LockState(ctx, ref.SHA256); !errors.Is(err, blob.ErrNoLocking) {
			t.Fatalf("LockState on a bucket without locking = %v, want ErrNoLocking", err)
		}
	})
}

// A retention date already past asks for no retention: an item whose
// retention ran out can still be put on hold. Lock asked S3 to retain the
// object until a past date, which S3 refuses, so the hold failed.
func TestLockPastRetention(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newStore(t, true)
	ref, err := s.Put(ctx, blobtest.Stream(122, 1000), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Lock(ctx, ref.SHA256, time.Now().Add(-24*time.Hour), true); err != nil {
		t.Fatalf("hold with a past retention date: %v", err)
	}
	if until, hold, err := s.LockState(ctx, ref.SHA256); err != nil || !until.IsZero() || !hold {
		t.Fatalf("until=%v hold=%v err=%v, want a hold and no retention", until, hold, err)
	}
}
