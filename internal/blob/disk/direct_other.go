//go:build !linux

package disk

import (
	"errors"
	"os"
)

// setDirectIO: direct I/O is only used on Linux; elsewhere blobs are written
// through the page cache.
func setDirectIO(f *os.File, on bool) error {
	if !on {
		return nil
	}
	return errors.ErrUnsupported
}
