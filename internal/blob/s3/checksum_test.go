package s3

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/dossier/dossier/internal/blob"
)

func TestCheckServerSum(t *testing.T) {
	data := sha256.Sum256([]byte("evidence"))
	ref := blob.Ref{SHA256: hex.EncodeToString(data[:]), Size: 8}
	composite := sha256.Sum256(data[:])
	onePart := base64.StdEncoding.EncodeToString(composite[:]) + "-1"
	other := sha256.Sum256([]byte("other"))
	tests := []struct {
		name string
		sum  string
		err  error
	}{
		{"OK", onePart, nil},
		{"OKMultipartSkipped", base64.StdEncoding.EncodeToString(other[:]) + "-3", nil},
		{"OKNoChecksum", "", nil},
		{"ErrCorrupt", base64.StdEncoding.EncodeToString(other[:]) + "-1", blob.ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := checkServerSum(tt.sum, ref); !errors.Is(err, tt.err) {
				t.Fatalf("checkServerSum(%q) = %v, want %v", tt.sum, err, tt.err)
			}
		})
	}
}
