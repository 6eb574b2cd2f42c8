//go:build linux

package main

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// lockIndex takes the data directory's index lock without waiting; the
// kernel drops it when the process ends, however it ends.
func lockIndex(cfg *Config) (unlock func(), err error) {
	f, err := os.OpenFile(indexLockPath(cfg), os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, errIndexInUse
		}
		return nil, err
	}
	return func() { f.Close() }, nil
}
