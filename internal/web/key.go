package web

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// KeySize is the length of the key that signs form tokens.
const KeySize = 32

// LoadKey reads the key that signs form tokens from path, making it (random,
// mode 0600) on the first start. A key kept in the data directory lets the
// forms open in browsers survive a restart; without one every restart makes
// them stale. A file of another size is an error naming path, never
// silently replaced.
func LoadKey(path string) ([]byte, error) {
	k, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return newKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("web: form key: %w", err)
	}
	if len(k) != KeySize {
		return nil, fmt.Errorf("web: form key %s: %d bytes, want %d (remove the file to make a new key)", path, len(k), KeySize)
	}
	return k, nil
}

// newKey writes a random key to a temp file and links it into place, so a
// reader never sees a partial key and, of two processes starting at once,
// both end up with the one that was linked first.
func newKey(path string) ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("web: form key: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".web-key-*")
	if err != nil {
		return nil, fmt.Errorf("web: form key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(k)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp.Name(), path)
	}
	if errors.Is(err, fs.ErrExist) {
		return LoadKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("web: form key %s: %w", path, err)
	}
	return k, nil
}
