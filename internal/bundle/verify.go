package bundle

import (
	"archive/zip"
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Problem is one thing wrong with a bundle ZIP.
type Problem struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// Report is the outcome of VerifyZip.
type Report struct {
	Files      int       `json:"files"` // files checked against SHA256SUMS
	MerkleRoot string    `json:"merkle_root"`
	Problems   []Problem `json:"problems"`
}

// OK reports whether nothing is wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

func (r *Report) add(file, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{File: file, Reason: fmt.Sprintf(format, args...)})
}

// VerifyZip checks a downloaded bundle offline: every file listed in
// SHA256SUMS is present with that digest (and its ZIP CRC), no file is
// unlisted, manifest.json agrees with SHA256SUMS on every file's size and
// digest, every file but the evidence list and the merged PDF is an exhibit
// of its items, and its Merkle root recomputes from its items. An error means the
// file is not a readable ZIP at all; anything else wrong is in the report,
// naming the file.
func VerifyZip(path string) (*Report, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("bundle: open %s: %w", path, err)
	}
	defer zr.Close()
	r := &Report{Problems: []Problem{}}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		if files[f.Name] != nil {
			// Dossier writes each name once. Of two entries with one name,
			// readers and unzip tools differ in which they show or keep, so
			// checking either would vouch for bytes the recipient may not see.
			r.add(f.Name, "is in the ZIP more than once; which copy a reader shows depends on the tool")
			continue
		}
		files[f.Name] = f
	}
	sums := map[string]string{}
	if f := files[SumsName]; f == nil {
		r.add(SumsName, "missing")
	} else if err := readSums(f, sums); err != nil {
		r.add(SumsName, "%v", err)
	}
	// Hash every file in the archive once; compare to SHA256SUMS.
	got := map[string]string{}
	sizes := map[string]int64{}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if n == SumsName || strings.HasSuffix(n, "/") {
			continue
		}
		sum, size, err := hashEntry(files[n])
		if err != nil {
			r.add(n, "unreadable: %v", err)
			continue
		}
		got[n], sizes[n] = sum, size
		want, listed := sums[n]
		switch {
		case !listed:
			r.add(n, "not listed in SHA256SUMS")
		case want != sum:
			r.add(n, "sha256 %s, SHA256SUMS says %s", sum, want)
		}
		r.Files++
	}
	for n := range sums {
		if files[n] == nil {
			r.add(n, "listed in SHA256SUMS but missing")
		}
	}
	checkManifest(r, files[ManifestName], got, sizes)
	sort.SliceStable(r.Problems, func(i, j int) bool { return r.Problems[i].File < r.Problems[j].File })
	return r, nil
}

func readSums(f *zip.File, sums map[string]string) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	for ln := 1; sc.Scan(); ln++ {
		line := sc.Text()
		if line == "" {
			continue
		}
		sum, name, ok := strings.Cut(line, " ")
		if !ok || len(sum) != 64 || len(name) < 2 || (name[0] != ' ' && name[0] != '*') {
			return fmt.Errorf("line %d is not '<sha256>  <name>'", ln)
		}
		sums[name[1:]] = strings.ToLower(sum)
	}
	return sc.Err()
}

// hashEntry reads an entry through archive/zip, which also checks its CRC-32.
func hashEntry(f *zip.File) (string, int64, error) {
	rc, err := f.Open()
	if err != nil {
		return "", 0, err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func checkManifest(r *Report, f *zip.File, got map[string]string, sizes map[string]int64) {
	if f == nil {
		r.add(ManifestName, "missing")
		return
	}
	rc, err := f.Open()
	if err != nil {
		r.add(ManifestName, "unreadable: %v", err)
		return
	}
	defer rc.Close()
	var m Manifest
	if err := json.NewDecoder(io.LimitReader(rc, 64<<20)).Decode(&m); err != nil {
		r.add(ManifestName, "not valid JSON: %v", err)
		return
	}
	listed := map[string]bool{}
	for _, mf := range m.Files {
		listed[mf.Name] = true
		switch {
		case got[mf.Name] == "" && sizes[mf.Name] == 0:
			r.add(mf.Name, "listed in manifest.json but missing")
		case got[mf.Name] != mf.SHA256:
			r.add(mf.Name, "sha256 %s, manifest.json says %s", got[mf.Name], mf.SHA256)
		case sizes[mf.Name] != mf.Size:
			r.add(mf.Name, "%d bytes, manifest.json says %d", sizes[mf.Name], mf.Size)
		}
	}
	for n := range got {
		if n != ManifestName && !listed[n] {
			r.add(n, "not listed in manifest.json")
		}
	}
	// The Merkle root is computed from the exhibits' digests, so those must
	// be the digests of the exhibits' files; else a file edited with both
	// lists of files rewritten would pass under the sender's root. Nor may
	// the ZIP hold a file that is no exhibit and none of the files Dossier
	// writes beside them: one added with both lists rewritten would pass
	// under the sender's root too.
	exhibit := map[string]bool{ListName: true, MergedName: true}
	for _, it := range m.Items {
		exhibit[it.File] = true
	}
	for n := range got {
		if n != ManifestName && listed[n] && !exhibit[n] {
			r.add(n, "not an exhibit in manifest.json's items, which merkle_root covers")
		}
	}
	leaves := make([]string, len(m.Items))
	for i, it := range m.Items {
		leaves[i] = it.SHA256
		sum, present := got[it.File]
		switch {
		case !listed[it.File]:
			r.add(it.File, "exhibit %d is not among manifest.json files", it.N)
		case !present:
		case sum != it.SHA256:
			r.add(it.File, "exhibit %d: sha256 %s, manifest.json's exhibit (and so merkle_root) says %s", it.N, sum, it.SHA256)
		case sizes[it.File] != it.Size:
			r.add(it.File, "exhibit %d: %d bytes, manifest.json's exhibit says %d", it.N, sizes[it.File], it.Size)
		}
	}
	r.MerkleRoot = m.MerkleRoot
	if root := merkleHex(leaves); root != m.MerkleRoot {
		r.add(ManifestName, "merkle_root %s does not match the items (recomputed %s)", m.MerkleRoot, root)
	}
}

func merkleHex(digests []string) string {
	leaves := make([][]byte, len(digests))
	for i, d := range digests {
		b, err := hex.DecodeString(d)
		if err != nil {
			b = []byte(d)
		}
		leaves[i] = b
	}
	return hex.EncodeToString(mth(leaves))
}
