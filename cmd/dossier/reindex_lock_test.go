package main

import (
	"strings"
	"testing"
)

// README: `dossier reindex` wants serve stopped first. Run beside a serve
// it swapped the index directory out from under it, and at serve's next
// start the index was corrupt (503 until another reindex). It now refuses
// while a serve holds the data directory's index, and runs once it stops.
func TestReindexRefusedWhileServing(t *testing.T) {
	data := t.TempDir()
	p := start(t, data)
	code, out := runIn(data, nil, "", "reindex")
	if code != 1 || !strings.Contains(out, "serve") {
		t.Fatalf("reindex beside serve: exit %d, want 1 saying serve must stop:\n%s", code, out)
	}
	p.stop(t)
	if code, out := runIn(data, nil, "", "reindex"); code != 0 {
		t.Fatalf("reindex after serve stopped: exit %d\n%s", code, out)
	}
	p = start(t, data)
	if code := getJSON(t, p.url+"/readyz", "", nil); code != 200 {
		t.Fatalf("readyz after reindex: %d", code)
	}
	p.stop(t)
}
