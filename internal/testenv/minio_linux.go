package testenv

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal makes the kernel kill the child when its parent dies,
// so a test binary that never reaches Stop leaves no server running.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
