package s3_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/blobtest"
	"github.com/dossier/dossier/internal/blob/s3"
	"github.com/dossier/dossier/internal/testenv"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.Stop()
	os.Exit(code)
}

// newStore returns a store on a fresh bucket of the shared test MinIO, and
// a raw client for looking behind the store's back.
func newStore(tb testing.TB, locking bool) (*s3.Store, *minio.Client, string) {
	tb.Helper()
	srv := testenv.MinIO(tb)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	bucket := "test-" + hex.EncodeToString(b)
	s, err := s3.New(context.Background(), s3.Config{
		Endpoint: srv.Endpoint, Bucket: bucket, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey,
		ObjectLocking: locking,
	})
	if err != nil {
		tb.Fatal(err)
	}
	if s.Locking() != locking {
		tb.Fatalf("Locking() = %v, want %v", s.Locking(), locking)
	}
	raw, err := minio.New(srv.Endpoint, &minio.Options{
		Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, ""), TrailingHeaders: true,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return s, raw, bucket
}

// edges are where Put changes from one request to a streamed upload.
var edges = blobtest.Options{EdgeSizes: []int{s3.SmallMax - 1, s3.SmallMax, s3.SmallMax + 1},
	Overwrite: func(t *testing.T, s blob.Store, sha string, data []byte) {
		if err := s.(*s3.Store).Overwrite(context.Background(), sha, data); err != nil {
			t.Fatal(err)
		}
	}}

func TestContract(t *testing.T) {
	blobtest.RunOptions(t, func(t *testing.T) blob.Store {
		s, _, _ := newStore(t, false)
		return s
	}, edges)
}

// A locking bucket is versioned, which changes how deletion and temp
// cleanup must work; the whole contract has to hold there too.
func TestContractLocking(t *testing.T) {
	blobtest.RunOptions(t, func(t *testing.T) blob.Store {
		s, _, _ := newStore(t, true)
		return s
	}, edges)
}

func TestLock(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		until time.Time
		hold  bool
	}{
		{"Retention", time.Now().Add(time.Hour), false},
		{"LegalHold", time.Time{}, true},
		{"Both", time.Now().Add(time.Hour), true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, raw, bucket := newStore(t, true)
			ref, err := s.Put(ctx, blobtest.Stream(uint64(100+i), 10_000), "")
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Lock(ctx, ref.SHA256, tt.until, tt.hold); err != nil {
				t.Fatalf("Lock: %v", err)
			}
			if err := s.Delete(ctx, ref.SHA256); !errors.Is(err, blob.ErrLocked) {
				t.Fatalf("Delete of locked blob = %v, want ErrLocked", err)
			}
			if err := blob.Verify(ctx, s, ref); err != nil {
				t.Fatalf("locked blob damaged by the refused Delete: %v", err)
			}
			// The refusal comes from MinIO, not from our code: a raw
			// client deleting the version directly is refused as well.
			k := "sha256/" + ref.SHA256[:2] + "/" + ref.SHA256
			info, err := raw.StatObject(ctx, bucket, k, minio.StatObjectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if err := raw.RemoveObject(ctx, bucket, k, minio.RemoveObjectOptions{VersionID: info.VersionID}); err == nil {
				t.Fatal("MinIO deleted a locked version")
			}
		})
	}

	t.Run("OKHoldLifted", func(t *testing.T) {
		s, _, _ := newStore(t, true)
		ref, err := s.Put(ctx, blobtest.Stream(110, 1000), "")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Lock(ctx, ref.SHA256, time.Time{}, true); err != nil {
			t.Fatal(err)
		}
		if err := s.Lock(ctx, ref.SHA256, time.Time{}, false); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, ref.SHA256); err != nil {
			t.Fatalf("Delete after the hold was lifted: %v", err)
		}
		if _, err := s.Stat(ctx, ref.SHA256); !errors.Is(err, blob.ErrNotExist) {
			t.Fatalf("Stat after Delete = %v", err)
		}
	})

	t.Run("OKRetentionNotShortened", func(t *testing.T) {
		s, _, _ := newStore(t, true)
		ref, err := s.Put(ctx, blobtest.Stream(111, 1000), "")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Lock(ctx, ref.SHA256, time.Now().Add(time.Hour), false); err != nil {
			t.Fatal(err)
		}
		// An earlier date must not fail (COMPLIANCE cannot be shortened)
		// and must not unlock.
		if err := s.Lock(ctx, ref.SHA256, time.Now().Add(time.Minute), false); err != nil {
			t.Fatalf("Lock with an earlier date: %v", err)
		}
		if err := s.Delete(ctx, ref.SHA256); !errors.Is(err, blob.ErrLocked) {
			t.Fatalf("Delete = %v, want ErrLocked", err)
		}
	})
}

// TestNoTempLeft looks behind the store: neither a failed nor a successful
// Put may leave a temp object or a multipart upload in the bucket.
func TestNoTempLeft(t *testing.T) {
	ctx := context.Background()
	errBoom := errors.New("boom")
	tests := []struct {
		name string
		put  func(s *s3.Store) error
		err  error
	}{
		{"OK", func(s *s3.Store) error {
			_, err := s.Put(ctx, blobtest.Stream(1, 20<<20), "")
			return err
		}, nil},
		{"ErrReader", func(s *s3.Store) error {
			_, err := s.Put(ctx, blobtest.FailAfter(blobtest.Stream(2, 40<<20), 20<<20, errBoom), "")
			return err
		}, errBoom},
		{"ErrCorrupt", func(s *s3.Store) error {
			_, err := s.Put(ctx, blobtest.Stream(3, 1000), blobtest.StreamRef(4, 1000).SHA256)
			return err
		}, blob.ErrCorrupt},
		// With the digest declared a large blob streams to its own name.
		{"OKDeclared", func(s *s3.Store) error {
			_, err := s.Put(ctx, blobtest.Stream(5, 20<<20), blobtest.StreamRef(5, 20<<20).SHA256)
			return err
		}, nil},
		{"ErrReaderDeclared", func(s *s3.Store) error {
			_, err := s.Put(ctx, blobtest.FailAfter(blobtest.Stream(6, 40<<20), 20<<20, errBoom), blobtest.StreamRef(6, 40<<20).SHA256)
			return err
		}, errBoom},
		{"ErrCorruptDeclared", func(s *s3.Store) error {
			_, err := s.Put(ctx, blobtest.Stream(7, 20<<20), blobtest.StreamRef(8, 20<<20).SHA256)
			return err
		}, blob.ErrCorrupt},
	}
	for _, locking := range []bool{false, true} {
		for _, tt := range tests {
			name := tt.name
			if locking {
				name += "Locking"
			}
			t.Run(name, func(t *testing.T) {
				s, raw, bucket := newStore(t, locking)
				if err := tt.put(s); !errors.Is(err, tt.err) {
					t.Fatalf("Put = %v, want %v", err, tt.err)
				}
				for obj := range raw.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: "tmp/", Recursive: true, WithVersions: true}) {
					if obj.Err != nil {
						t.Fatal(obj.Err)
					}
					t.Errorf("left behind: %s version %s (delete marker %v)", obj.Key, obj.VersionID, obj.IsDeleteMarker)
				}
				for up := range raw.ListIncompleteUploads(ctx, bucket, "", true) {
					if up.Err != nil {
						t.Fatal(up.Err)
					}
					t.Errorf("multipart upload left behind: %s", up.Key)
				}
			})
		}
	}
}

func TestRemoveTemp(t *testing.T) {
	ctx := context.Background()
	s, raw, bucket := newStore(t, true)
	// What a crash between upload and copy leaves behind.
	if _, err := raw.PutObject(ctx, bucket, "tmp/crashed", strings.NewReader("partial"), 7, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := s.Walk(ctx, func(blob.Ref) error { n++; return nil }); err != nil || n != 0 {
		t.Fatalf("Walk saw %d blobs, err %v; want temp objects ignored", n, err)
	}
	if removed, err := s.RemoveTemp(ctx, time.Hour); err != nil || removed != 0 {
		t.Fatalf("RemoveTemp(1h) = %d, %v; want a fresh temp kept", removed, err)
	}
	if removed, err := s.RemoveTemp(ctx, -time.Minute); err != nil || removed != 1 {
		t.Fatalf("RemoveTemp = %d, %v; want 1", removed, err)
	}
	for obj := range raw.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: "tmp/", WithVersions: true}) {
		t.Errorf("left behind: %s %s", obj.Key, obj.VersionID)
	}
}

// A crash during a streamed Put leaves an incomplete multipart upload: at a
// temporary key, or, when the digest was declared, at the blob's own name.
// Neither is visible to Stat or Walk; RemoveTemp removes both once they are
// old enough.
func TestRemoveTempUploads(t *testing.T) {
	ctx := context.Background()
	s, raw, bucket := newStore(t, true)
	ref := blobtest.StreamRef(9, 6<<20)
	core := minio.Core{Client: raw}
	for _, k := range []string{"tmp/crashed", "sha256/" + ref.SHA256[:2] + "/" + ref.SHA256} {
		id, err := core.NewMultipartUpload(ctx, bucket, k, minio.PutObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := core.PutObjectPart(ctx, bucket, k, id, 1, blobtest.Stream(9, 5<<20), 5<<20, minio.PutObjectPartOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Stat(ctx, ref.SHA256); !errors.Is(err, blob.ErrNotExist) {
		t.Fatalf("Stat of an incomplete upload = %v, want ErrNotExist", err)
	}
	uploads := func() int {
		n := 0
		for up := range raw.ListIncompleteUploads(ctx, bucket, "", true) {
			if up.Err != nil {
				t.Fatal(up.Err)
			}
			n++
		}
		return n
	}
	if _, err := s.RemoveTemp(ctx, time.Hour); err != nil || uploads() != 2 {
		t.Fatalf("RemoveTemp(1h): %v, %d uploads left; want the fresh ones kept", err, uploads())
	}
	if _, err := s.RemoveTemp(ctx, -time.Minute); err != nil || uploads() != 0 {
		t.Fatalf("RemoveTemp: %v, %d uploads left; want none", err, uploads())
	}
	// The name is free for a real Put of those bytes.
	if got, err := s.Put(ctx, blobtest.Stream(9, 6<<20), ref.SHA256); err != nil || got != ref {
		t.Fatalf("Put after RemoveTemp = %+v, %v; want %+v", got, err, ref)
	}
}

func TestNewErrRetentionMode(t *testing.T) {
	_, err := s3.New(context.Background(), s3.Config{Endpoint: "127.0.0.1:1", Bucket: "x", RetentionMode: "FOREVER"})
	if err == nil {
		t.Fatal("New accepted retention mode FOREVER")
	}
}

// TestVerifyErrCorrupt replaces a blob's bytes behind the store's back and
// expects Verify to notice.
func TestVerifyErrCorrupt(t *testing.T) {
	ctx := context.Background()
	s, raw, bucket := newStore(t, false)
	ref, err := s.Put(ctx, blobtest.Stream(5, 10_000), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := blob.Verify(ctx, s, ref); err != nil {
		t.Fatalf("Verify of intact blob: %v", err)
	}
	k := "sha256/" + ref.SHA256[:2] + "/" + ref.SHA256
	if _, err := raw.PutObject(ctx, bucket, k, blobtest.Stream(6, 10_000), 10_000, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := blob.Verify(ctx, s, ref); !errors.Is(err, blob.ErrCorrupt) {
		t.Fatalf("Verify of replaced blob = %v, want ErrCorrupt", err)
	}
}

// TestSmallPutChecked is what a small Put relies on: the service refuses a
// PUT whose bytes do not have the SHA-256 its header names, so no object
// gets a name its bytes do not match. And a small Put leaves no temp object
// (it never makes one) and is stored under its name with the service's own
// SHA-256 of the whole object.
func TestSmallPutChecked(t *testing.T) {
	ctx := context.Background()
	s, raw, bucket := newStore(t, false)
	other := blobtest.StreamRef(8, 1000)
	digest, _ := hex.DecodeString(other.SHA256)
	_, err := raw.PutObject(ctx, bucket, "sha256/"+other.SHA256[:2]+"/"+other.SHA256, blobtest.Stream(7, 1000), 1000,
		minio.PutObjectOptions{UserMetadata: map[string]string{"x-amz-checksum-sha256": base64.StdEncoding.EncodeToString(digest)}})
	if err == nil {
		t.Fatal("MinIO stored bytes under a SHA-256 header they do not match")
	}
	if _, err := s.Stat(ctx, other.SHA256); !errors.Is(err, blob.ErrNotExist) {
		t.Fatalf("Stat after the refused PUT = %v, want ErrNotExist", err)
	}

	ref, err := s.Put(ctx, blobtest.Stream(9, 100_000), "")
	if err != nil {
		t.Fatal(err)
	}
	name := "sha256/" + ref.SHA256[:2] + "/" + ref.SHA256
	st, err := raw.StatObject(ctx, bucket, name, minio.StatObjectOptions{Checksum: true})
	if err != nil {
		t.Fatal(err)
	}
	digest, _ = hex.DecodeString(ref.SHA256)
	if want := base64.StdEncoding.EncodeToString(digest); st.ChecksumSHA256 != want {
		t.Errorf("service SHA-256 %q, want %q", st.ChecksumSHA256, want)
	}
	for obj := range raw.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: "tmp/", Recursive: true}) {
		t.Errorf("left behind: %s", obj.Key)
	}
}

// When the service stops taking parts, Put fails at once instead of
// receiving the rest of the stream for nothing (a client would otherwise
// upload gigabytes to get a 500). The bucket is deleted under a running
// upload: the next part is refused.
func TestPutStopsWhenAPartFails(t *testing.T) {
	ctx := context.Background()
	s, raw, bucket := newStore(t, false)
	const size, cut = 400 << 20, 40 << 20
	src := blobtest.Stream(12, size)
	var read int64
	r := &blobtest.FaultReader{ReadFunc: func(p []byte) (int, error) {
		if read >= cut && read-int64(len(p)) < cut {
			if err := raw.RemoveBucketWithOptions(ctx, bucket, minio.RemoveBucketOptions{ForceDelete: true}); err != nil {
				t.Errorf("remove bucket: %v", err)
			}
		}
		n, err := src.Read(p)
		read += int64(n)
		return n, err
	}}
	for _, want := range []string{"", blobtest.StreamRef(12, size).SHA256} {
		read = 0
		src = blobtest.Stream(12, size)
		if _, err := s.Put(ctx, r, want); err == nil {
			t.Fatalf("Put(want=%q) into a deleted bucket succeeded", want)
		}
		if read > cut+3*int64(s3.DefaultPartSize) {
			t.Errorf("Put(want=%q) read %d MiB of %d after its parts were refused at %d MiB", want, read>>20, size>>20, cut>>20)
		}
		_ = raw.MakeBucket(ctx, bucket, minio.MakeBucketOptions{})
	}
}
