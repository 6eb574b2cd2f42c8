// Package s3 is a blob.Store on any S3-compatible service through minio-go.
// A blob lives at sha256/<aa>/<sha256>. No object is ever named after bytes
// it does not hold: a blob of up to SmallMax bytes is hashed in memory and
// sent in one PUT to its name with its SHA-256 in a header, which the
// service checks before it stores anything; a larger one is streamed to a
// temporary key while the digest is computed and gets its name by a
// server-side copy once the digest is known and checked, unless the caller
// declared the digest: then it streams straight to its name as a multipart
// upload that is completed only if the digest matches. On a bucket with
// object locking, Lock sets retention and legal hold so the service itself
// refuses deletion.
package s3

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/dossier/dossier/internal/blob"
)

const (
	blobPrefix = "sha256/"
	tmpPrefix  = "tmp/"

	// DefaultPartSize is the multipart part size for streams of unknown
	// length. A large Put holds two parts in memory (one received while the
	// other is sent); 16 MiB keeps that at 32 MiB and allows objects up to
	// ~156 GiB (S3's 10,000 parts; LIBRARIES.md).
	DefaultPartSize = 16 << 20

	// A Put reads its source ahead into this many buffers of this size.
	readaheadBufs = 4
	readaheadSize = 512 << 10

	// SmallMax is the largest blob Put sends as a single request with its
	// SHA-256 in a header, straight to its name: most evidence (letters,
	// invoices, photos, chat exports) fits. Larger ones stream through a
	// temporary key, since their digest is known only at the end.
	SmallMax = 4 << 20
)

// smallBufs holds buffers between Puts: SmallMax bytes and one more, so a
// source that ends within it is small and one that fills it is not.
var smallBufs = sync.Pool{New: func() any {
	b := make([]byte, SmallMax+1)
	return &b
}}

// Config says where the bucket is.
type Config struct {
	Endpoint  string // host:port
	Bucket    string
	AccessKey string
	SecretKey string
	Secure    bool // HTTPS
	Region    string
	// ObjectLocking creates the bucket, when absent, with object locking
	// (which also turns versioning on). It cannot be added to a bucket
	// later. An existing bucket's own setting is what counts. Do not give
	// such a bucket a default retention: it would retain temp uploads too,
	// and failed Puts would leave undeletable litter.
	ObjectLocking bool
	// RetentionMode is what Lock sets: "COMPLIANCE" (default; nobody can
	// shorten it) or "GOVERNANCE" (privileged users can).
	RetentionMode string
	// PartSize overrides DefaultPartSize.
	PartSize uint64
	// MustExist makes New fail with ErrNoBucket, rather than create the
	// bucket, when it is absent: for inspecting an existing store.
	MustExist bool
	// MaxRetries bounds the attempts of each request the service answers
	// with a retryable failure (a 5xx, SlowDown); 0 keeps minio-go's 10.
	MaxRetries int
}

// ErrNoBucket: Config.MustExist and the bucket does not exist.
var ErrNoBucket = errors.New("s3: bucket does not exist")

// Store keeps blobs in one bucket.
type Store struct {
	c         *minio.Client
	bucket    string
	partSize  uint64
	mode      minio.RetentionMode
	versioned bool // deletion must name versions, or it only adds a marker
	locking   bool
	parts     sync.Pool // *[]byte of partSize, for multipart uploads
}

// partBuf returns a buffer of the store's part size, pooled between Puts.
func (s *Store) partBuf() *[]byte {
	if b, ok := s.parts.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, s.partSize)
	return &b
}

var _ blob.Store = (*Store)(nil)

// New connects, creates the bucket if it is absent (unless MustExist) and
// learns whether it is versioned and lockable.
func New(ctx context.Context, cfg Config) (*Store, error) {
	mode := minio.RetentionMode(strings.ToUpper(cfg.RetentionMode))
	if mode == "" {
		mode = minio.Compliance
	}
	if !mode.IsValid() {
		return nil, fmt.Errorf("s3: invalid retention mode %q", cfg.RetentionMode)
	}
	c, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.Secure,
		Region: cfg.Region,
		// Needed for the SHA-256 checksum of streams of unknown length.
		TrailingHeaders: true,
		MaxRetries:      cfg.MaxRetries,
	})
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	s := &Store{c: c, bucket: cfg.Bucket, partSize: cfg.PartSize, mode: mode}
	if s.partSize == 0 {
		s.partSize = DefaultPartSize
	}
	// A MinIO that has just started answers "not initialized" for a while
	// (IAM loads after the listener): wait for it rather than fail start-up.
	exists, err := c.BucketExists(ctx, cfg.Bucket)
	for wait := time.Now().Add(30 * time.Second); code(err) == "XMinioServerNotInitialized" && time.Now().Before(wait); {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("s3: bucket %s: %w", cfg.Bucket, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
		exists, err = c.BucketExists(ctx, cfg.Bucket)
	}
	if err != nil {
		return nil, fmt.Errorf("s3: bucket %s: %w", cfg.Bucket, err)
	}
	if !exists && cfg.MustExist {
		return nil, fmt.Errorf("%w: %s", ErrNoBucket, cfg.Bucket)
	}
	if !exists {
		err := c.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region, ObjectLocking: cfg.ObjectLocking})
		if err != nil && code(err) != "BucketAlreadyOwnedByYou" {
			return nil, fmt.Errorf("s3: create bucket %s: %w", cfg.Bucket, err)
		}
	}
	v, err := c.GetBucketVersioning(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("s3: bucket %s versioning: %w", cfg.Bucket, err)
	}
	s.versioned = v.Status != ""
	lock, _, _, _, err := c.GetObjectLockConfig(ctx, cfg.Bucket)
	switch {
	case code(err) == "ObjectLockConfigurationNotFoundError":
	case err != nil:
		return nil, fmt.Errorf("s3: bucket %s object lock: %w", cfg.Bucket, err)
	default:
		s.locking = lock == "Enabled"
	}
	return s, nil
}

// Locking reports whether the bucket enforces Lock.
func (s *Store) Locking() bool { return s.locking }

func key(sha string) string { return blobPrefix + sha[:2] + "/" + sha }

// Put implements blob.Store.
func (s *Store) Put(ctx context.Context, r io.Reader, wantSHA256 string) (_ blob.Ref, err error) {
	defer func() { err = outage(err) }()
	want, err := blob.CheckWant(wantSHA256)
	if err != nil {
		return blob.Ref{}, err
	}
	hr := blob.NewHashReader(blob.ContextReader(ctx, r))

	// The expected blob is already stored intact: hashing the stream
	// confirms the caller's bytes without uploading them again. A damaged
	// one (known) is replaced by the upload below.
	known := ""
	if want != "" {
		if info, err := s.c.StatObject(ctx, s.bucket, key(want), minio.StatObjectOptions{}); err == nil {
			if known, err = s.damage(ctx, want, info, -1); err != nil {
				return blob.Ref{}, err
			}
			if known == "" {
				if _, err := io.Copy(io.Discard, hr); err != nil {
					return blob.Ref{}, fmt.Errorf("s3: put: read: %w", err)
				}
				ref := hr.Ref()
				return ref, blob.CheckDigest(ref, want)
			}
		} else if !notExist(err) {
			return blob.Ref{}, fmt.Errorf("s3: put: %w", err)
		}
	}

	// The first bytes tell whether the blob is small.
	headBuf := smallBufs.Get().(*[]byte)
	pooled := true
	defer func() { // after the readahead below has stopped
		if pooled {
			smallBufs.Put(headBuf)
		}
	}()
	n, err := blob.Fill(hr, *headBuf)
	head := (*headBuf)[:n]
	switch {
	case err == io.EOF:
		ref, err := s.putSmall(ctx, head, hr.Ref(), want, known)
		// A refused request (AccessDenied before the body was read) may
		// still be sending the buffer: net/http closes a request body in
		// its own time after RoundTrip returns. Reused by the next Put, its
		// bytes would change under that goroutine; it is left to the GC.
		pooled = err == nil
		return ref, err
	case err != nil:
		return blob.Ref{}, fmt.Errorf("s3: put: read: %w", err)
	}

	// A large blob goes up as a multipart upload, received while it is sent
	// (a readahead, then two part buffers).
	ra := blob.NewReadahead(io.MultiReader(bytes.NewReader(head), hr), readaheadBufs, readaheadSize)
	defer ra.Close() // the caller's reader must be idle when Put returns
	name := tmpPrefix + randomHex(16)
	if want != "" {
		// The digest is declared: straight to the blob's name, completed
		// only if it matches, which saves the server-side copy.
		name = key(want)
	}
	up, err := s.startUpload(ctx, name)
	if err != nil {
		return blob.Ref{}, err
	}
	defer up.abort()
	// A dropped client ends the source with io.ErrUnexpectedEOF: never the
	// end of the blob (blob.Fill passes it on unchanged).
	parts, sent, err := up.send(ctx, ra)
	if err != nil {
		return blob.Ref{}, err
	}
	ra.Close()
	ref := hr.Ref()
	if sent != ref.Size {
		return blob.Ref{}, fmt.Errorf("s3: put: read %d bytes, sent %d", ref.Size, sent)
	}
	if want != "" {
		return ref, s.completeNamed(ctx, up, parts, ref, want, known)
	}
	info, err := up.complete(ctx, parts)
	if err != nil {
		return blob.Ref{}, err
	}
	if err := s.commit(ctx, name, info, ref); err != nil {
		s.removeVersion(name, info.VersionID)
		return blob.Ref{}, err
	}
	s.removeVersion(name, info.VersionID)
	return ref, nil
}

// completeNamed completes an upload to the blob's own name once the
// received bytes are known to have the declared digest; the deferred abort
// discards it otherwise. damage says how the stored blob is damaged ("" if
// not known to be).
func (s *Store) completeNamed(ctx context.Context, up *upload, parts []minio.CompletePart, ref blob.Ref, want, damage string) error {
	if err := blob.CheckDigest(ref, want); err != nil {
		return err
	}
	// A Put of the same bytes that finished meanwhile already holds the
	// name: keep it if intact, never overwrite good bytes.
	if damage == "" {
		intact, d, err := s.stored(ctx, ref)
		if err != nil || intact {
			return err
		}
		damage = d
	}
	info, err := up.complete(ctx, parts)
	if err != nil {
		return err
	}
	if err := checkServerSum(info.ChecksumSHA256, ref); err != nil {
		s.removeVersion(up.name, info.VersionID)
		return err
	}
	s.repaired(ctx, ref, damage)
	return nil
}

// stored says whether the blob ref is already stored intact; a stored blob
// whose bytes fail their name comes back as damage, for the caller to
// replace. An absent blob is neither.
func (s *Store) stored(ctx context.Context, ref blob.Ref) (intact bool, damage string, err error) {
	info, err := s.c.StatObject(ctx, s.bucket, key(ref.SHA256), minio.StatObjectOptions{})
	switch {
	case notExist(err):
		return false, "", nil
	case err != nil:
		return false, "", fmt.Errorf("s3: put: %w", err)
	}
	damage, err = s.damage(ctx, ref.SHA256, info, ref.Size)
	return err == nil && damage == "", damage, err
}

// damage re-reads the stored object info of blob sha and says how its bytes
// fail their name ("" when intact); size >= 0 is the size they must have,
// compared before any byte is read. Same name should mean same bytes, but an
// object can be overwritten behind the store's back (a bucket without
// locking): keeping it while answering success would name bytes the store
// does not hold. The price is one read of the stored blob per duplicate
// upload.
func (s *Store) damage(ctx context.Context, sha string, info minio.ObjectInfo, size int64) (string, error) {
	if size >= 0 && info.Size != size {
		return fmt.Sprintf("%d bytes, want %d", info.Size, size), nil
	}
	obj, err := s.c.GetObject(ctx, s.bucket, key(sha), minio.GetObjectOptions{VersionID: info.VersionID})
	if err != nil {
		return "", fmt.Errorf("s3: put: check stored %s: %w", sha, err)
	}
	defer obj.Close()
	d, err := blob.Damage(obj, sha, info.Size, size)
	if err != nil {
		return "", fmt.Errorf("s3: put: check stored %s: %w", sha, err)
	}
	return d, nil
}

// repaired reports that ref replaced damaged bytes, if it did.
func (s *Store) repaired(ctx context.Context, ref blob.Ref, damage string) {
	if damage != "" {
		blob.ReportRepair(ctx, blob.Repair{Ref: ref, Damage: damage})
	}
}

// putSmall stores a blob held in memory with one PUT to its name. The
// request carries the client's SHA-256, so the service stores the object
// only if the bytes it received have that digest: nothing is ever named
// after bytes it does not hold, without a temporary copy.
func (s *Store) putSmall(ctx context.Context, data []byte, ref blob.Ref, want, damage string) (blob.Ref, error) {
	if err := blob.CheckDigest(ref, want); err != nil {
		return blob.Ref{}, err
	}
	dst := key(ref.SHA256)
	if damage == "" {
		intact, d, err := s.stored(ctx, ref)
		if err != nil {
			return blob.Ref{}, err
		}
		if intact {
			return ref, nil // same name, same bytes: never overwrite
		}
		damage = d
	}
	digest, err := hex.DecodeString(ref.SHA256)
	if err != nil {
		return blob.Ref{}, fmt.Errorf("s3: put: %w", err)
	}
	sum := base64.StdEncoding.EncodeToString(digest)
	info, err := s.c.PutObject(ctx, s.bucket, dst, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{
		ContentType:          "application/octet-stream",
		UserMetadata:         map[string]string{"x-amz-checksum-sha256": sum},
		DisableContentSha256: true, // the checksum header binds the bytes
	})
	if err != nil {
		return blob.Ref{}, fmt.Errorf("s3: put: upload: %w", err)
	}
	if info.Size != ref.Size {
		return blob.Ref{}, fmt.Errorf("s3: put: read %d bytes, service stored %d", ref.Size, info.Size)
	}
	if info.ChecksumSHA256 != sum {
		// A service that does not report (or did not check) the checksum:
		// what it holds under the name is read back and compared before it
		// counts. Bytes that could not be confirmed are removed too, or a
		// later Put of the same blob would find the name taken and trust it.
		if err := blob.Verify(ctx, s, ref); err != nil {
			s.removeVersion(dst, info.VersionID)
			return blob.Ref{}, fmt.Errorf("s3: put: read back: %w", err)
		}
	}
	s.repaired(ctx, ref, damage)
	return ref, nil
}

// commit checks the service's checksum of the uploaded temp object against
// ref, then copies it to its name unless a blob of that name exists already.
func (s *Store) commit(ctx context.Context, tmp string, info minio.UploadInfo, ref blob.Ref) error {
	if err := checkServerSum(info.ChecksumSHA256, ref); err != nil {
		return err
	}
	dst := key(ref.SHA256)
	// Check then copy is not atomic: two Puts of the same bytes at once may
	// both copy. That rewrites identical bytes (or, when versioned, adds a
	// version that Delete also removes), never different ones. A stored
	// blob whose bytes fail their name is replaced (a repair).
	intact, damage, err := s.stored(ctx, ref)
	if err != nil || intact {
		return err // intact: same name, same bytes, never overwrite
	}
	// ComposeObject rather than CopyObject: a single copy request is
	// limited to 5 GiB and compose switches to a multipart copy beyond it.
	_, err = s.c.ComposeObject(ctx,
		minio.CopyDestOptions{Bucket: s.bucket, Object: dst,
			ReplaceMetadata: true, ContentType: "application/octet-stream"},
		minio.CopySrcOptions{Bucket: s.bucket, Object: tmp, VersionID: info.VersionID})
	if err != nil {
		return fmt.Errorf("s3: put: copy to %s: %w", dst, err)
	}
	s.repaired(ctx, ref, damage)
	return nil
}

// checkServerSum compares the SHA-256 the service computed while storing
// the upload with the client's digest. Streams are always sent as multipart
// uploads, so the service reports a composite: sha256 of the concatenated
// part digests, suffixed "-N". With one part (every blob under PartSize)
// that is sha256(sha256(bytes)), which gives proof from the storage side
// that the bytes it holds are the ones named. With more parts the per-part
// digests are not kept here; the service still checked each part on
// arrival.
func checkServerSum(b64 string, ref blob.Ref) error {
	if !strings.HasSuffix(b64, "-1") {
		return nil
	}
	digest, err := hex.DecodeString(ref.SHA256)
	if err != nil {
		return fmt.Errorf("s3: put: %w", err)
	}
	want := sha256.Sum256(digest)
	if got := strings.TrimSuffix(b64, "-1"); got != base64.StdEncoding.EncodeToString(want[:]) {
		return fmt.Errorf("s3: put: service checksum %s does not match client sha256 %s: %w", b64, ref.SHA256, blob.ErrCorrupt)
	}
	return nil
}

// removeVersion deletes one version of an object (a temp upload, or a
// small blob the service stored wrongly), since on a versioned bucket a
// plain delete would only hide it behind a marker. It runs even when ctx
// is done; failures leave litter for RemoveTemp or verify, never a wrong
// blob that counts as stored.
func (s *Store) removeVersion(name, versionID string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = s.c.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{VersionID: versionID})
}

// Open implements blob.Store.
func (s *Store) Open(ctx context.Context, sha256 string, off, n int64) (_ io.ReadCloser, err error) {
	defer func() { err = outage(err) }()
	if !blob.ValidSHA256(sha256) {
		return nil, fmt.Errorf("s3: open %q: %w", sha256, blob.ErrNotExist)
	}
	// Stat first: GetObject reports a missing object only at the first Read,
	// and the size is needed to cut the range as the contract says.
	info, err := s.c.StatObject(ctx, s.bucket, key(sha256), minio.StatObjectOptions{})
	if err != nil {
		return nil, mapErr("open", sha256, err)
	}
	start, end, err := blob.ClampRange(info.Size, off, n)
	if err != nil {
		return nil, fmt.Errorf("s3: open %s: %w", sha256, err)
	}
	if start == end {
		return io.NopCloser(bytes.NewReader(nil)), nil
	}
	opts := minio.GetObjectOptions{VersionID: info.VersionID}
	if start > 0 || end < info.Size {
		if err := opts.SetRange(start, end-1); err != nil {
			return nil, fmt.Errorf("s3: open %s: %w", sha256, err)
		}
	}
	obj, err := s.c.GetObject(ctx, s.bucket, key(sha256), opts)
	if err != nil {
		return nil, mapErr("open", sha256, err)
	}
	return object{obj}, nil
}

// object is an open blob whose read errors say when the service failed.
type object struct{ *minio.Object }

func (o object) Read(p []byte) (int, error) {
	n, err := o.Object.Read(p)
	return n, outage(err)
}

// Stat implements blob.Store.
func (s *Store) Stat(ctx context.Context, sha256 string) (_ blob.Ref, err error) {
	defer func() { err = outage(err) }()
	if !blob.ValidSHA256(sha256) {
		return blob.Ref{}, fmt.Errorf("s3: stat %q: %w", sha256, blob.ErrNotExist)
	}
	info, err := s.c.StatObject(ctx, s.bucket, key(sha256), minio.StatObjectOptions{})
	if err != nil {
		return blob.Ref{}, mapErr("stat", sha256, err)
	}
	return blob.Ref{SHA256: sha256, Size: info.Size}, nil
}

// Walk implements blob.Store. Temp objects are outside the listed prefix.
func (s *Store) Walk(ctx context.Context, fn func(blob.Ref) error) (err error) {
	defer func() { err = outage(err) }()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the lister when fn ends the walk early
	for obj := range s.c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: blobPrefix, Recursive: true}) {
		if obj.Err != nil {
			return fmt.Errorf("s3: walk: %w", obj.Err)
		}
		sha := obj.Key[strings.LastIndexByte(obj.Key, '/')+1:]
		if !blob.ValidSHA256(sha) || obj.Key != key(sha) {
			continue
		}
		if err := fn(blob.Ref{SHA256: sha, Size: obj.Size}); err != nil {
			return fmt.Errorf("s3: walk: %w", err)
		}
	}
	return nil
}

// Ping implements blob.Store: the service answers and the bucket exists.
func (s *Store) Ping(ctx context.Context) (err error) {
	defer func() { err = outage(err) }()
	ok, err := s.c.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("s3: ping: %w", err)
	}
	if !ok {
		return fmt.Errorf("s3: ping: bucket %s does not exist", s.bucket)
	}
	return nil
}

// RemoveTemp deletes temp objects and abandoned multipart uploads older than
// age, left by Puts interrupted by a crash, and returns how many objects it
// removed. Use an age longer than any upload can take.
func (s *Store) RemoveTemp(ctx context.Context, age time.Duration) (_ int, err error) {
	defer func() { err = outage(err) }()
	cutoff := time.Now().Add(-age)
	removed := 0
	opts := minio.ListObjectsOptions{Prefix: tmpPrefix, Recursive: true, WithVersions: s.versioned}
	for obj := range s.c.ListObjects(ctx, s.bucket, opts) {
		if obj.Err != nil {
			return removed, fmt.Errorf("s3: remove temp: %w", obj.Err)
		}
		if !obj.LastModified.Before(cutoff) {
			continue
		}
		err := s.c.RemoveObject(ctx, s.bucket, obj.Key, minio.RemoveObjectOptions{VersionID: obj.VersionID})
		if err != nil && !notExist(err) {
			return removed, fmt.Errorf("s3: remove temp %s: %w", obj.Key, err)
		}
		removed++
	}
	// Uploads to a temporary key, and uploads straight to a blob's name
	// (a Put with a declared digest), that were never completed. All are listed and filtered
	// here: MinIO lists a bucket's uploads by an exact object name or not
	// at all, never by a shorter prefix.
	for up := range s.c.ListIncompleteUploads(ctx, s.bucket, "", true) {
		if up.Err != nil {
			return removed, fmt.Errorf("s3: remove temp uploads: %w", up.Err)
		}
		if !strings.HasPrefix(up.Key, tmpPrefix) && !strings.HasPrefix(up.Key, blobPrefix) || !up.Initiated.Before(cutoff) {
			continue
		}
		if err := (minio.Core{Client: s.c}).AbortMultipartUpload(ctx, s.bucket, up.Key, up.UploadID); err != nil && !notExist(err) && code(err) != "NoSuchUpload" {
			return removed, fmt.Errorf("s3: remove temp upload %s: %w", up.Key, err)
		}
	}
	return removed, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// code returns the S3 error code of err ("" if it is not an S3 error).
// Errors are told apart by code, never by message.
func code(err error) string {
	if err == nil {
		return ""
	}
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		return er.Code
	}
	return ""
}

func notExist(err error) bool {
	switch code(err) {
	case "NoSuchKey", "NoSuchVersion", "NoSuchObject":
		return true
	}
	return false
}

// outage marks err with blob.ErrUnavailable when it is the service saying
// it cannot work for now rather than refusing the request: any 5xx answer
// (S3's SlowDown and InternalError, MinIO's full storage at 507, a lost
// quorum, a server still starting), which minio-go has already retried.
// Such a failure is a dependency down, 503 to the API's clients, not a
// fault of Dossier's.
func outage(err error) error {
	var er minio.ErrorResponse
	if err == nil || errors.Is(err, blob.ErrUnavailable) || !errors.As(err, &er) {
		return err
	}
	switch {
	case er.StatusCode >= 500,
		er.Code == "SlowDown", er.Code == "ServiceUnavailable", er.Code == "XMinioStorageFull",
		er.Code == "XMinioServerNotInitialized", er.Code == "XMinioReadQuorum", er.Code == "XMinioWriteQuorum":
		return fmt.Errorf("%w: %w", blob.ErrUnavailable, err)
	}
	return err
}

func mapErr(op, sha string, err error) error {
	if notExist(err) {
		return fmt.Errorf("s3: %s %s: %w", op, sha, blob.ErrNotExist)
	}
	return fmt.Errorf("s3: %s %s: %w", op, sha, err)
}
