package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var binary struct {
	once sync.Once
	path string
	err  error
}

// DossierBinary builds the real dossier binary once per test process, so
// end-to-end tests run the service exactly as `dossier serve` wires it. The
// build directory is removed by Stop.
func DossierBinary(tb testing.TB) string {
	tb.Helper()
	binary.once.Do(func() {
		dir, err := os.MkdirTemp("", "dossier-bin-")
		if err != nil {
			binary.err = err
			return
		}
		atStop(func() { os.RemoveAll(dir) })
		binary.path = filepath.Join(dir, "dossier")
		out, err := exec.Command("go", "build", "-o", binary.path, "github.com/dossier/dossier/cmd/dossier").CombinedOutput()
		if err != nil {
			binary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		tb.Fatal(binary.err)
	}
	return binary.path
}
