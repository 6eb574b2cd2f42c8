package bundle_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/dossier"
)

// smallBundle makes a three-exhibit bundle on disk and returns it with its ZIP.
func smallBundle(t *testing.T) (*fixture, *dossier.Bundle, string) {
	t.Helper()
	f := newFixture(t, "", diskStore(t))
	for i, s := range []string{"对账单：尚欠货款386,500.00元。", "催款通知：请于7月31日前付清。", "还款承诺：下月付清。"} {
		f.add(t, "statement", fmt.Sprintf("书证%d", i+1), fmt.Sprintf("s%d.txt", i+1), "text/plain", []byte(s), nil)
	}
	b, err := f.svc.Create(context.Background(), admin, f.c.ID, f.request("卷宗"))
	if err != nil {
		t.Fatal(err)
	}
	return f, b, download(t, f, b, "zh")
}

func hexSum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// readZip returns a ZIP's entries in order, names and contents.
func readZip(t *testing.T, p string) (names []string, data map[string][]byte) {
	t.Helper()
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	data = map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		names, data[f.Name] = append(names, f.Name), b
	}
	return names, data
}

// writeEntries writes a ZIP of the given entries, in order.
func writeEntries(t *testing.T, entries []struct {
	name string
	data []byte
}) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "edited.zip")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// reseal replaces one original of a bundle ZIP and makes both digest lists
// agree with the new bytes, as someone covering an edit would: the files
// list of manifest.json and SHA256SUMS are rewritten, the exhibits list
// (and so the Merkle root the sender quoted) is left as it was.
func reseal(t *testing.T, src, victim string, edited []byte) string {
	t.Helper()
	names, data := readZip(t, src)
	data[victim] = edited
	var m map[string]any
	if err := json.Unmarshal(data[bundle.ManifestName], &m); err != nil {
		t.Fatal(err)
	}
	for _, f := range m["files"].([]any) {
		if mf := f.(map[string]any); mf["name"] == victim {
			mf["sha256"], mf["size"] = hexSum(edited), len(edited)
		}
	}
	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	data[bundle.ManifestName] = append(mj, '\n')
	var sums strings.Builder
	for _, n := range names {
		if n != bundle.SumsName {
			fmt.Fprintf(&sums, "%s  %s\n", hexSum(data[n]), n)
		}
	}
	data[bundle.SumsName] = []byte(sums.String())
	var es []struct {
		name string
		data []byte
	}
	for _, n := range names {
		es = append(es, struct {
			name string
			data []byte
		}{n, data[n]})
	}
	return writeEntries(t, es)
}

// TestVerifyExhibitDigests: the Merkle root verify-bundle prints commits to
// the exhibits' digests in manifest.json, so each exhibit's file must have
// that digest and size. An original replaced with both digest lists made to
// match it is damage, named by its file, and not an intact bundle carrying
// the sender's Merkle root.
func TestVerifyExhibitDigests(t *testing.T) {
	_, b, zipPath := smallBundle(t)
	t.Run("OK", func(t *testing.T) {
		r, err := bundle.VerifyZip(zipPath)
		if err != nil || !r.OK() || r.MerkleRoot != b.MerkleRoot {
			t.Fatalf("intact bundle: %+v %v", r, err)
		}
	})
	t.Run("ErrResealed", func(t *testing.T) {
		victim := b.Items[1].ZipName
		r, err := bundle.VerifyZip(reseal(t, zipPath, victim, []byte("催款通知：已全部付清，不再催收。")))
		if err != nil {
			t.Fatal(err)
		}
		if r.OK() {
			t.Fatalf("an edited exhibit passed with Merkle root %s (the sender's is %s)", r.MerkleRoot, b.MerkleRoot)
		}
		if r.Problems[0].File != victim || !strings.Contains(r.Problems[0].Reason, "exhibit 2") {
			t.Fatalf("report does not name exhibit 2 (%s): %+v", victim, r.Problems)
		}
	})
}

// TestVerifyDuplicateEntry: a ZIP holding two entries of one name (an
// edited copy slipped in before the real one) is not a bundle Dossier
// wrote; which copy a reader shows or extracts depends on the tool, so
// verify-bundle must not pass it on the strength of one of them.
func TestVerifyDuplicateEntry(t *testing.T) {
	_, b, zipPath := smallBundle(t)
	names, data := readZip(t, zipPath)
	victim := b.Items[0].ZipName
	var es []struct {
		name string
		data []byte
	}
	for _, n := range names {
		if n == victim {
			es = append(es, struct {
				name string
				data []byte
			}{n, []byte("对账单：双方已结清，无欠款。")})
		}
		es = append(es, struct {
			name string
			data []byte
		}{n, data[n]})
	}
	r, err := bundle.VerifyZip(writeEntries(t, es))
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || r.Problems[0].File != victim {
		t.Fatalf("a ZIP with %s twice passed: %+v", victim, r)
	}
}
