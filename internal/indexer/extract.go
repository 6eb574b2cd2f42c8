package indexer

import (
	"context"
	"errors"
	"io"

	"github.com/dossier/dossier/internal/extract"
)

// ExtractText is the production Extractor: internal/extract per media type
// (its e-mail text already carries subject, from and to, so they are
// searchable too).
func ExtractText(ctx context.Context, mediaType, filename string, r io.Reader) (string, error) {
	res, err := extract.Extract(ctx, mediaType, filename, r, extract.Limits{})
	if errors.Is(err, extract.ErrUnsupported) {
		return "", ErrNoText
	}
	if err != nil {
		return "", err
	}
	return res.Text, nil
}
