package s3

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/dossier/dossier/internal/blob"
)

// maxParts is S3's limit on the parts of one multipart upload.
const maxParts = 10_000

// putNamed streams a large blob whose digest the caller declared straight
// to its name, as a multipart upload that is completed only once the
// stream's own digest equals the declared one. Until it is completed an
// upload is no object at all (S3 lists and serves nothing of it), so no
// object is ever named after bytes it does not hold, and the server-side
// copy that a temporary key needs (seconds per GiB) is saved. An upload
// that fails or does not match is aborted; one left by a crash is removed
// by RemoveTemp.
//
// Each part carries its SHA-256, which the service checks before it keeps
// the part, as PutObject's parts do on the temporary path.
func (s *Store) putNamed(ctx context.Context, want string, head []byte, hr *blob.HashReader) (blob.Ref, error) {
	dst := key(want)
	core := minio.Core{Client: s.c}
	id, err := core.NewMultipartUpload(ctx, s.bucket, dst, minio.PutObjectOptions{
		ContentType:  "application/octet-stream",
		UserMetadata: map[string]string{"x-amz-checksum-algorithm": "SHA256"},
	})
	if err != nil {
		return blob.Ref{}, fmt.Errorf("s3: put: start upload: %w", err)
	}
	completed := false
	defer func() {
		if !completed {
			s.abortUpload(dst, id)
		}
	}()
	ra := blob.NewReadahead(io.MultiReader(bytes.NewReader(head), hr), readaheadBufs, readaheadSize)
	defer ra.Close() // the caller's reader must be idle when Put returns

	buf := make([]byte, s.partSize)
	var parts []minio.CompletePart
	var sent int64
	for n := 1; ; n++ {
		k, rerr := blob.Fill(ra, buf)
		if rerr != nil && rerr != io.EOF {
			return blob.Ref{}, fmt.Errorf("s3: put: read: %w", rerr)
		}
		if k == 0 {
			break // the stream ended exactly at a part boundary
		}
		if n > maxParts {
			return blob.Ref{}, fmt.Errorf("s3: put: more than %d parts of %d bytes", maxParts, s.partSize)
		}
		digest := sha256.Sum256(buf[:k])
		sum := base64.StdEncoding.EncodeToString(digest[:])
		hdr := http.Header{}
		hdr.Set("x-amz-checksum-algorithm", "SHA256")
		hdr.Set("x-amz-checksum-sha256", sum)
		part, err := core.PutObjectPart(ctx, s.bucket, dst, id, n, bytes.NewReader(buf[:k]), int64(k),
			minio.PutObjectPartOptions{CustomHeader: hdr, DisableContentSha256: true})
		if err != nil {
			return blob.Ref{}, fmt.Errorf("s3: put: part %d: %w", n, err)
		}
		if part.ChecksumSHA256 != "" && part.ChecksumSHA256 != sum {
			return blob.Ref{}, fmt.Errorf("s3: put: part %d: service checksum %s, sent %s: %w", n, part.ChecksumSHA256, sum, blob.ErrCorrupt)
		}
		parts = append(parts, minio.CompletePart{PartNumber: n, ETag: part.ETag, ChecksumSHA256: sum})
		sent += int64(k)
		if rerr == io.EOF {
			break
		}
	}
	ra.Close()
	ref := hr.Ref()
	if sent != ref.Size {
		return blob.Ref{}, fmt.Errorf("s3: put: read %d bytes, sent %d", ref.Size, sent)
	}
	if err := blob.CheckDigest(ref, want); err != nil {
		return blob.Ref{}, err
	}
	// A Put of the same bytes that finished meanwhile already holds the
	// name: keep it, never overwrite.
	switch _, err := s.c.StatObject(ctx, s.bucket, dst, minio.StatObjectOptions{}); {
	case err == nil:
		return ref, nil
	case !notExist(err):
		return blob.Ref{}, fmt.Errorf("s3: put: %w", err)
	}
	info, err := core.CompleteMultipartUpload(ctx, s.bucket, dst, id, parts, minio.PutObjectOptions{})
	if err != nil {
		return blob.Ref{}, fmt.Errorf("s3: put: complete upload: %w", err)
	}
	completed = true
	if err := checkServerSum(info.ChecksumSHA256, ref); err != nil {
		s.removeVersion(dst, info.VersionID)
		return blob.Ref{}, err
	}
	return ref, nil
}

// abortUpload discards an incomplete multipart upload, even when ctx is
// done; a failure leaves it for RemoveTemp.
func (s *Store) abortUpload(name, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = minio.Core{Client: s.c}.AbortMultipartUpload(ctx, s.bucket, name, id)
}
