package web

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/dossier/dossier/internal/recovery"
)

// Every note the recovery engine can write has a Chinese text with the same
// slots, so no zh-CN page shows an English explanation.
func TestNoteZHCoversCodes(t *testing.T) {
	slot := regexp.MustCompile(`\{[a-z_]+\}`)
	codes := recovery.NoteCodes()
	for _, c := range codes {
		zh, ok := noteZH[c]
		if !ok || !strings.ContainsFunc(zh, func(r rune) bool { return unicode.Is(unicode.Han, r) }) &&
			!slot.MatchString(zh) {
			t.Errorf("note %q has no Chinese text", c)
			continue
		}
		en := slot.FindAllString(recovery.NoteText[c], -1)
		got := slot.FindAllString(zh, -1)
		slices.Sort(en)
		slices.Sort(got)
		if !slices.Equal(en, got) {
			t.Errorf("note %q: Chinese slots %v, English %v", c, got, en)
		}
	}
	for c := range noteZH {
		if _, ok := recovery.NoteText[c]; !ok {
			t.Errorf("Chinese text for unknown note %q", c)
		}
	}
}

func TestMsgNote(t *testing.T) {
	parts := []recovery.NotePart{
		{Code: recovery.NoteCommunication, Params: map[string]string{"channel": "letter", "event": "demand"}},
		{Code: recovery.NoteServedBy, Params: map[string]string{"evidence": "ev1"}},
		{Code: recovery.NoteAfterExpiry},
	}
	en := recovery.RenderNote(parts, recovery.NoteText, nil)
	tests := []struct{ name, lang, want string }{
		{"OK", "zh-CN", "催告（信函），已送达，见证据 ev1；发生于诉讼时效期间届满之后，不引起诉讼时效重新计算"},
		{"English", "en", "letter demand, served per evidence ev1; after the period expired, so it does not restart it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Msg{Lang: tt.lang}).Note(en, parts); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got := (Msg{Lang: "zh-CN"}).Note("free text", nil); got != "free text" {
		t.Fatalf("a note without parts shows as %q", got)
	}
	if got := (Msg{Lang: "zh-CN"}).Note("", []recovery.NotePart{{Code: recovery.NoteFiling,
		Params: map[string]string{"kind": "litigation"}}}); got != "已提起诉讼" {
		t.Fatalf("filing note %q", got)
	}
}
