package s3

import (
	"context"

	"github.com/dossier/dossier/internal/blob"
)

// ReadBack exposes the check of a small Put's stored bytes.
func ReadBack(ctx context.Context, s *Store, name string, ref blob.Ref) error {
	return s.readBack(ctx, name, "", ref)
}
