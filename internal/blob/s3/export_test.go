package s3

import (
	"bytes"
	"context"

	"github.com/minio/minio-go/v7"
)

// Overwrite stores data under the name of blob sha behind the store's back,
// as a stray write to the bucket would.
func (s *Store) Overwrite(ctx context.Context, sha string, data []byte) error {
	_, err := s.c.PutObject(ctx, s.bucket, key(sha), bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{})
	return err
}
