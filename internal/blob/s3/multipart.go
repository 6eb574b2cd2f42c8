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

// upload is one multipart upload that the store runs itself, to a temporary
// key or, when the caller declared the digest, straight to the blob's name.
// Until it is completed an upload is no object at all (S3 lists and serves
// nothing of it), so completing it only once the digest is known to match
// keeps every name true to its bytes. One that fails is aborted; one left by
// a crash is removed by RemoveTemp.
type upload struct {
	s         *Store
	core      minio.Core
	name, id  string
	completed bool
}

func (s *Store) startUpload(ctx context.Context, name string) (*upload, error) {
	core := minio.Core{Client: s.c}
	id, err := core.NewMultipartUpload(ctx, s.bucket, name, minio.PutObjectOptions{
		ContentType:  "application/octet-stream",
		UserMetadata: map[string]string{"x-amz-checksum-algorithm": "SHA256"},
	})
	if err != nil {
		return nil, fmt.Errorf("s3: put: start upload: %w", err)
	}
	return &upload{s: s, core: core, name: name, id: id}, nil
}

// send reads src to its end into parts of the store's part size and
// uploads them. Two part buffers alternate: the next part is received while
// the last is sent (minio-go's streaming PutObject does one, then the
// other). Each part carries its SHA-256, which the service checks before
// it keeps the part. It returns the parts and the bytes sent. When a part
// cannot be sent it stops receiving at once: the caller answers the error
// instead of reading the rest of the stream for nothing.
func (u *upload) send(ctx context.Context, src io.Reader) ([]minio.CompletePart, int64, error) {
	type job struct {
		n, k int // part number, bytes in buf
		buf  *[]byte
	}
	jobs, free := make(chan job), make(chan *[]byte, 2)
	for range 2 {
		free <- u.s.partBuf()
	}
	defer func() { // both buffers are back in free once the sender is done
		for range 2 {
			if b := <-free; b != nil {
				u.s.parts.Put(b)
			}
		}
	}()
	var parts []minio.CompletePart
	var sendErr error
	failed, sent := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sent)
		for j := range jobs {
			if sendErr == nil {
				var p minio.CompletePart
				if p, sendErr = u.sendPart(ctx, j.n, (*j.buf)[:j.k]); sendErr == nil {
					parts = append(parts, p)
				} else {
					close(failed) // stop receiving: the rest would be thrown away
					// The refused request may still be sending this buffer
					// (net/http closes a body in its own time after
					// RoundTrip returns): it is never filled again, but
					// left to the GC. nil stands in for it.
					free <- nil
					continue
				}
			}
			free <- j.buf
		}
	}()
	var total int64
	var readErr error
	for n := 1; ; n++ {
		var buf *[]byte
		select {
		case <-failed:
		default:
			select {
			case buf = <-free:
			case <-failed:
			}
		}
		if buf == nil {
			break // a part failed
		}
		k, err := blob.Fill(src, *buf)
		if err != nil && err != io.EOF {
			readErr = fmt.Errorf("s3: put: read: %w", err)
			free <- buf
			break
		}
		if k == 0 && n > 1 {
			free <- buf
			break // the stream ended exactly at a part boundary
		}
		if n > maxParts {
			readErr = fmt.Errorf("s3: put: more than %d parts of %d bytes", maxParts, u.s.partSize)
			free <- buf
			break
		}
		jobs <- job{n, k, buf}
		total += int64(k)
		if err == io.EOF {
			break
		}
	}
	close(jobs)
	<-sent
	if sendErr != nil {
		return nil, 0, sendErr
	}
	if readErr != nil {
		return nil, 0, readErr
	}
	return parts, total, nil
}

func (u *upload) sendPart(ctx context.Context, n int, buf []byte) (minio.CompletePart, error) {
	digest := sha256.Sum256(buf)
	sum := base64.StdEncoding.EncodeToString(digest[:])
	hdr := http.Header{}
	hdr.Set("x-amz-checksum-algorithm", "SHA256")
	hdr.Set("x-amz-checksum-sha256", sum)
	part, err := u.core.PutObjectPart(ctx, u.s.bucket, u.name, u.id, n, bytes.NewReader(buf), int64(len(buf)),
		// The part's SHA-256 binds its bytes to the request, so the
		// payload is not signed a second time (over plain HTTP minio-go
		// would otherwise hash every 64 KiB chunk again).
		minio.PutObjectPartOptions{CustomHeader: hdr, DisableContentSha256: true})
	if err != nil {
		return minio.CompletePart{}, fmt.Errorf("s3: put: part %d: %w", n, err)
	}
	if part.ChecksumSHA256 != "" && part.ChecksumSHA256 != sum {
		return minio.CompletePart{}, fmt.Errorf("s3: put: part %d: service checksum %s, sent %s: %w",
			n, part.ChecksumSHA256, sum, blob.ErrCorrupt)
	}
	return minio.CompletePart{PartNumber: n, ETag: part.ETag, ChecksumSHA256: sum}, nil
}

// complete makes the upload an object under its name.
func (u *upload) complete(ctx context.Context, parts []minio.CompletePart) (minio.UploadInfo, error) {
	info, err := u.core.CompleteMultipartUpload(ctx, u.s.bucket, u.name, u.id, parts, minio.PutObjectOptions{})
	if err != nil {
		return minio.UploadInfo{}, fmt.Errorf("s3: put: complete upload: %w", err)
	}
	u.completed = true
	return info, nil
}

// abort discards the upload unless it was completed, even when the Put's
// context is done; a failure leaves it for RemoveTemp.
func (u *upload) abort() {
	if u.completed {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = u.core.AbortMultipartUpload(ctx, u.s.bucket, u.name, u.id)
}
