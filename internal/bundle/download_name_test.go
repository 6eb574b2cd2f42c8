package bundle_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/dossier"
)

// The ZIP's download name fits a file system's 255 bytes with its .zip
// kept, however long the bundle's Chinese title: the name was cut to 255
// bytes and ".zip" added after, 259 bytes that a browser or unzip on Linux
// could not save.
func TestDownloadNameFits(t *testing.T) {
	for _, title := range []string{"证据目录", strings.Repeat("货款纠纷证据", 40), strings.Repeat("a", 300)} {
		sh := &bundle.Shared{Case: &dossier.Case{Number: "（2026）京0105民初1234号"}, Bundle: &dossier.Bundle{Title: title}}
		got := bundle.DownloadName(sh)
		if len(got) > 255 || !strings.HasSuffix(got, ".zip") || !utf8.ValidString(got) ||
			!strings.HasPrefix(got, "（2026）京0105民初1234号-") {
			t.Errorf("title of %d bytes: %q (%d bytes)", len(title), got, len(got))
		}
	}
}
