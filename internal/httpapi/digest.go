package httpapi

import (
	"encoding/base64"
	"encoding/hex"
)

// reprDigest renders a hex sha256 as an RFC 9530 Repr-Digest value
// ("sha-256=:<base64>:").
func reprDigest(sha string) string {
	b, err := hex.DecodeString(sha)
	if err != nil {
		return ""
	}
	return "sha-256=:" + base64.StdEncoding.EncodeToString(b) + ":"
}
