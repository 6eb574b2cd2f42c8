package evidence_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/dossier/dossier/internal/extract"
)

// Western text from a Windows machine (windows-1252: a German supplier's
// statement) is mostly valid GB18030 as well, since an accented letter and
// the ASCII letter after it (ü and r of "für") form a GBK extension
// character. Labelled gb18030 for that, it was extracted and previewed as
// Chinese nonsense and "Müller" was never found; GBK text is told from it
// by its characters, mostly of the common (GB2312) range.
func TestIngestWesternTextStaysLatin(t *testing.T) {
	f := newFixture(t, "sqlite")
	ctx := context.Background()
	for _, s := range []string{
		"Rechnung für Müller GmbH, Straße 12, Köln\n",
		"Zahlung bis März fällig; Gläubiger Müller, Forderung über 12.000 EUR\n",
	} {
		data, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "statement", "rechnung.txt", data))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(e.MediaType, "gb18030") {
			t.Errorf("%q: media type %q, want a Latin charset", s, e.MediaType)
		}
		res, err := extract.Extract(ctx, e.MediaType, e.Filename, bytes.NewReader(data), extract.Limits{MaxText: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(res.Text, "Müller") {
			t.Errorf("extracted text %.80q does not contain Müller", res.Text)
		}
	}
}
