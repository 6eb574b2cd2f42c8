package recovery_test

import (
	"regexp"
	"testing"

	"github.com/dossier/dossier/internal/recovery"
)

// checkNoteParts fails unless note is exactly its parts in English, every
// code is known and every slot of a code's text is filled: a front that
// words the parts in another language then says what the API says.
func checkNoteParts(t *testing.T, note string, parts []recovery.NotePart) {
	t.Helper()
	for _, p := range parts {
		text, ok := recovery.NoteText[p.Code]
		if !ok {
			t.Errorf("note part with unknown code %q", p.Code)
			continue
		}
		for _, m := range slotRE.FindAllStringSubmatch(text, -1) {
			if _, ok := p.Params[m[1]]; !ok {
				t.Errorf("note part %q lacks param %q: %v", p.Code, m[1], p.Params)
			}
		}
	}
	if got := recovery.RenderNote(parts, recovery.NoteText, nil); got != note {
		t.Errorf("note parts render %q, note is %q", got, note)
	}
}

var slotRE = regexp.MustCompile(`\{([a-z_]+)\}`)

func TestNoteText(t *testing.T) {
	codes := recovery.NoteCodes()
	if len(codes) != len(recovery.NoteText) || len(codes) < 20 {
		t.Fatalf("%d codes for %d texts", len(codes), len(recovery.NoteText))
	}
	for _, c := range codes {
		if recovery.NoteText[c] == "" {
			t.Errorf("code %q has no English text", c)
		}
	}
	got := recovery.RenderNote([]recovery.NotePart{
		{Code: recovery.NotePayment, Params: map[string]string{"amount": "{x} 12.00"}},
		{Code: recovery.NoteNoEvidence},
	}, recovery.NoteText, func(code, name, v string) string { return v + "!" })
	if want := "payment of {x} 12.00! without evidence"; got != want {
		t.Errorf("RenderNote = %q, want %q", got, want)
	}
}
