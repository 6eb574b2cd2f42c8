package audit

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// loadOrCreateKey reads the ed25519 signing key at path (PEM, PKCS #8, as
// openssl writes it), or creates one readable by the owner only. Creation
// uses O_EXCL and fsyncs file and directory, so two processes starting at
// once cannot end up signing with different keys for the same file.
func loadOrCreateKey(path string) (ed25519.PrivateKey, bool, error) {
	k, err := readKey(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, false, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("audit: key dir: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, fmt.Errorf("audit: generate key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, false, fmt.Errorf("audit: encode key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		// Lost a race with another process: use its key.
		k, err := readKey(path)
		return k, false, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("audit: create key: %w", err)
	}
	err = pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		os.Remove(path)
		return nil, false, fmt.Errorf("audit: write key: %w", err)
	}
	return priv, true, nil
}

func readKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("audit: read key: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("audit: key %s: not a PEM private key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("audit: key %s: %w", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("audit: key %s: not an ed25519 key", path)
	}
	return priv, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// checkpointMessage is the exact text a checkpoint signature covers.
func checkpointMessage(seq int64, head string, at time.Time) []byte {
	return []byte("dossier-audit-checkpoint\n" + strconv.FormatInt(seq, 10) + "\n" + head + "\n" +
		at.UTC().Format(TimeLayout))
}

// sign makes a checkpoint of the chain head at seq.
func sign(key ed25519.PrivateKey, seq int64, head string, at time.Time) *dossier.Checkpoint {
	at = at.UTC().Truncate(time.Microsecond)
	return &dossier.Checkpoint{
		Seq:       seq,
		Head:      head,
		At:        at,
		PublicKey: base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey)),
		Signature: base64.StdEncoding.EncodeToString(ed25519.Sign(key, checkpointMessage(seq, head, at))),
	}
}

// VerifyCheckpoint checks c's signature against the public key it carries.
// That proves the checkpoint was not edited after signing; whether the key is
// the deployment's own is a separate question (VerifyOptions.TrustedKeys).
func VerifyCheckpoint(c *dossier.Checkpoint) error {
	pub, err := base64.StdEncoding.DecodeString(c.PublicKey)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("audit: checkpoint %d: malformed public key", c.Seq)
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("audit: checkpoint %d: malformed signature", c.Seq)
	}
	if !ed25519.Verify(pub, checkpointMessage(c.Seq, c.Head, c.At), sig) {
		return fmt.Errorf("audit: checkpoint %d: signature does not match", c.Seq)
	}
	return nil
}

// PublicKey returns the base64 ed25519 public key of the key file at path,
// for `dossier audit verify` to hand to VerifyOptions.TrustedKeys.
func PublicKey(path string) (string, error) {
	k, err := readKey(path)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(k.Public().(ed25519.PublicKey)), nil
}
