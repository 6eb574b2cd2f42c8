package bundle_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/bundle"
)

// TestVerifyExtraFile: a file slipped into a bundle ZIP beside the
// exhibits (a made-up 04-还款承诺.txt), listed in SHA256SUMS and in
// manifest.json's files as someone covering it would, is no exhibit of the
// manifest and no file Dossier writes besides them. It passed, with the
// sender's Merkle root printed as if the root vouched for what was received.
func TestVerifyExtraFile(t *testing.T) {
	_, b, zipPath := smallBundle(t)
	names, data := readZip(t, zipPath)
	extra, forged := "04-还款承诺.txt", []byte("还款承诺：债权人同意免除全部欠款。")
	var m map[string]any
	if err := json.Unmarshal(data[bundle.ManifestName], &m); err != nil {
		t.Fatal(err)
	}
	m["files"] = append(m["files"].([]any), map[string]any{"name": extra, "size": len(forged), "sha256": hexSum(forged)})
	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	data[bundle.ManifestName], data[extra] = append(mj, '\n'), forged
	var es []struct {
		name string
		data []byte
	}
	var sums strings.Builder
	for _, n := range append(names[:len(names)-1:len(names)-1], extra) {
		es = append(es, struct {
			name string
			data []byte
		}{n, data[n]})
		fmt.Fprintf(&sums, "%s  %s\n", hexSum(data[n]), n)
	}
	es = append(es, struct {
		name string
		data []byte
	}{bundle.SumsName, []byte(sums.String())})
	if names[len(names)-1] != bundle.SumsName {
		t.Fatalf("the ZIP does not end with %s: %v", bundle.SumsName, names)
	}
	r, err := bundle.VerifyZip(writeEntries(t, es))
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || len(r.Problems) != 1 || r.Problems[0].File != extra {
		t.Fatalf("a ZIP with %s added passed or was misreported (root %s, the sender's %s): %+v",
			extra, r.MerkleRoot, b.MerkleRoot, r.Problems)
	}
}
