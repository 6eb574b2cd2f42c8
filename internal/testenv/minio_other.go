//go:build !linux

package testenv

import "os/exec"

// setParentDeathSignal has no portable equivalent: elsewhere only Stop ends
// the server.
func setParentDeathSignal(cmd *exec.Cmd) {}
