//go:build linux

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/dossier/dossier/internal/testenv"
)

// openPTY returns a pseudo-terminal's controlling side and its terminal.
func openPTY(t *testing.T) (ptm, pts *os.File) {
	t.Helper()
	ptm, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ptm.Close() })
	if err := unix.IoctlSetPointerInt(int(ptm.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(ptm.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	pts, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ptm, pts
}

// A password typed at `dossier user add`'s prompt was echoed on the
// terminal, into its scrollback and any screen recording; it is now read
// with echo off, as passwd(1) reads one.
func TestUserPasswordPromptDoesNotEcho(t *testing.T) {
	const password = "typed-at-the-terminal-42"
	ptm, pts := openPTY(t)
	cmd := exec.Command(testenv.DossierBinary(t), "user", "add", "tty.user", "counsel")
	cmd.Env = append(os.Environ(), "DOSSIER_DATA="+t.TempDir())
	var stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = pts, pts, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pts.Close()
	screen := make(chan string, 1)
	prompted := make(chan struct{})
	go func() {
		var b bytes.Buffer
		buf := make([]byte, 512)
		seen := false
		for {
			n, err := ptm.Read(buf)
			b.Write(buf[:n])
			if !seen && strings.Contains(b.String(), "password") {
				close(prompted)
				seen = true
			}
			if err != nil { // EIO once the command has exited
				screen <- b.String()
				return
			}
		}
	}()
	select {
	case <-prompted:
	case <-time.After(30 * time.Second):
		t.Fatal("no password prompt")
	}
	if _, err := io.WriteString(ptm, password+"\n"); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("user add: %v %s", err, stderr.String())
	}
	out := <-screen
	if strings.Contains(out, password) {
		t.Fatalf("the password was echoed on the terminal:\n%q", out)
	}
	if !strings.Contains(out, "added tty.user") {
		t.Fatalf("user not added:\n%q", out)
	}
}
