package audit

import (
	"crypto/ed25519"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// SignForTest lets external tests and benchmarks sign checkpoints for chains
// they write straight to a store.
func SignForTest(key ed25519.PrivateKey, seq int64, head string, at time.Time) *dossier.Checkpoint {
	return sign(key, seq, head, at)
}
