package bundle

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
)

// Names of the fixed files in a bundle ZIP.
const (
	ListName     = "00-evidence-list.pdf"
	MergedName   = "01-bundle.pdf"
	ManifestName = "manifest.json"
	SumsName     = "SHA256SUMS"
)

// MerkleRoot is the RFC 6962 Merkle Tree Hash over the items' sha256 digests
// in exhibit order (see the package documentation); hex.
func MerkleRoot(items []dossier.BundleItem) string {
	digests := make([]string, len(items))
	for i, it := range items {
		digests[i] = it.SHA256
	}
	return merkleHex(digests)
}

func mth(leaves [][]byte) []byte {
	switch len(leaves) {
	case 0:
		h := sha256.Sum256(nil)
		return h[:]
	case 1:
		h := sha256.Sum256(append([]byte{0}, leaves[0]...))
		return h[:]
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	h := sha256.New()
	h.Write([]byte{1})
	h.Write(mth(leaves[:k]))
	h.Write(mth(leaves[k:]))
	return h.Sum(nil)
}

// Manifest is manifest.json.
type Manifest struct {
	Format     string         `json:"format"`
	Case       ManifestCase   `json:"case"`
	Bundle     ManifestBundle `json:"bundle"`
	CreatedBy  string         `json:"created_by"`
	CreatedAt  time.Time      `json:"created_at"`
	Lang       string         `json:"lang"`
	MerkleRoot string         `json:"merkle_root"`
	MerkleAlg  string         `json:"merkle_algorithm"`
	Items      []ManifestItem `json:"items"`
	Files      []ManifestFile `json:"files"`
}

// ManifestCase identifies the case.
type ManifestCase struct {
	ID       string `json:"id"`
	Number   string `json:"number"`
	Title    string `json:"title"`
	Creditor string `json:"creditor"`
	Debtor   string `json:"debtor"`
}

// ManifestBundle identifies the bundle.
type ManifestBundle struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Pages int    `json:"pages"`
}

// ManifestItem is one exhibit.
type ManifestItem struct {
	N          int    `json:"n"`
	File       string `json:"file"`
	Title      string `json:"title"`
	Purpose    string `json:"purpose"`
	Source     string `json:"source"`
	EvidenceID string `json:"evidence_id,omitempty"`
	Version    int    `json:"version,omitempty"`
	DocumentID string `json:"document_id,omitempty"`
	Filename   string `json:"original_filename"`
	MediaType  string `json:"media_type"`
	Size       int64  `json:"size"`
	SHA256     string `json:"sha256"`
	PageFrom   int    `json:"page_from"`
	Pages      int    `json:"pages"`
}

// ManifestFile is one file of the ZIP (all but manifest.json and SHA256SUMS).
type ManifestFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// entry is one blob-backed file of the ZIP. crc is set for originals: it
// was taken when the bundle was made, and the stream is checked against it.
// The small derived PDFs have none and are checked against their sha256.
type entry struct {
	name, sha, mediaType string
	size                 int64
	crc                  uint32
	hasCRC               bool
}

func entries(b *dossier.Bundle, lang string) []entry {
	list := b.ListZH
	if lang == "en" {
		list = b.ListEN
	}
	es := []entry{{name: ListName, sha: list.SHA256, mediaType: "application/pdf", size: list.Size},
		{name: MergedName, sha: b.Merged.SHA256, mediaType: "application/pdf", size: b.Merged.Size}}
	for _, it := range b.Items {
		es = append(es, entry{it.ZipName, it.SHA256, it.MediaType, it.Size, it.CRC32, true})
	}
	return es
}

func manifest(b *dossier.Bundle, c *dossier.Case, lang string) *Manifest {
	m := &Manifest{Format: "dossier-bundle/1",
		Case:   ManifestCase{ID: c.ID, Number: c.Number, Title: c.Title, Creditor: c.Creditor.Name, Debtor: c.Debtor.Name},
		Bundle: ManifestBundle{ID: b.ID, Title: b.Title, Pages: b.Pages}, CreatedBy: b.CreatedBy,
		CreatedAt: b.CreatedAt, Lang: lang, MerkleRoot: b.MerkleRoot,
		MerkleAlg: "RFC 6962 MTH; leaf = SHA-256(0x00 || sha256(original)) in exhibit order; node = SHA-256(0x01 || left || right)"}
	for _, it := range b.Items {
		m.Items = append(m.Items, ManifestItem{N: it.N, File: it.ZipName, Title: it.Title, Purpose: it.Purpose,
			Source: it.Source, EvidenceID: it.EvidenceID, Version: it.Version, DocumentID: it.DocumentID,
			Filename: it.Filename, MediaType: it.MediaType, Size: it.Size, SHA256: it.SHA256,
			PageFrom: it.PageFrom, Pages: it.Pages})
	}
	for _, e := range entries(b, lang) {
		m.Files = append(m.Files, ManifestFile{Name: e.name, Size: e.size, SHA256: e.sha})
	}
	return m
}

// compressible reports whether deflating a media type is worth the CPU.
// Everything else (PDF, images, audio, video, archives, Office files, which
// are ZIPs, and unknown binaries) is stored as is.
func compressible(mediaType string) bool {
	mt := strings.ToLower(strings.TrimSpace(strings.Split(mediaType, ";")[0]))
	switch {
	case strings.HasPrefix(mt, "text/"), mt == "message/rfc822", mt == "application/json",
		mt == "application/xml", mt == "image/svg+xml", mt == "image/bmp", mt == "image/tiff",
		mt == "audio/wav", mt == "audio/x-wav":
		return true
	}
	return false
}

// copyBuf is the size of the copy buffer per download.
const copyBuf = 256 << 10

// WriteZip streams bundle b of case c as a ZIP to w: the evidence list in
// lang ("zh" or "en") first, so the first bytes leave at once, then the
// merged PDF, the originals in exhibit order, manifest.json and SHA256SUMS.
// The digests in manifest.json and SHA256SUMS are those pinned in the
// record, so the recipient's check proves the bytes are the ones received
// at intake. While streaming, each original is checked against the CRC-32
// taken when the bundle was made (its sha256 was re-verified then; a second
// sha256 per download would cap the stream at one core's hashing speed), and
// the derived PDFs against their sha256; on a mismatch the ZIP is abandoned
// before its central directory, so no reader accepts it. Memory is a few
// copy buffers (about 1.3 MiB) whatever the size; archive/zip writes ZIP64
// records for entries and archives over 4 GiB.
func (s *Service) WriteZip(ctx context.Context, w io.Writer, b *dossier.Bundle, c *dossier.Case, lang string) error {
	if lang != "en" {
		lang = "zh"
	}
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	buf := make([]byte, copyBuf)
	var sums bytes.Buffer
	for i, e := range entries(b, lang) {
		if err := s.writeBlob(ctx, zw, e, b.CreatedAt, buf); err != nil {
			noteFixity(ctx, e, err)
			return err
		}
		fmt.Fprintf(&sums, "%s  %s\n", e.sha, e.name)
		if i == 0 {
			// Push the first entry out now rather than when a buffer fills.
			if err := zw.Flush(); err != nil {
				return err
			}
			if f, ok := w.(interface{ Flush() }); ok {
				f.Flush()
			}
		}
	}
	mj, err := json.MarshalIndent(manifest(b, c, lang), "", "  ")
	if err != nil {
		return err
	}
	mj = append(mj, '\n')
	h := sha256.Sum256(mj)
	fmt.Fprintf(&sums, "%s  %s\n", hex.EncodeToString(h[:]), ManifestName)
	for _, f := range []struct {
		name string
		data []byte
	}{{ManifestName, mj}, {SumsName, sums.Bytes()}} {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: b.CreatedAt})
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// noteFixity records in the request's audit note that a file's stored bytes
// are damaged or gone, so the trail of the broken download names the file
// and does not read as an ordinary download. Other errors (the client going
// away) are not fixity findings.
func noteFixity(ctx context.Context, e entry, err error) {
	problem := "corrupt"
	switch {
	case errors.Is(err, blob.ErrNotExist):
		problem = "missing"
	case !errors.Is(err, blob.ErrCorrupt):
		return
	}
	n := dossier.NoteFrom(ctx)
	if n.Detail != "" {
		n.Detail += "; "
	}
	n.Detail += fmt.Sprintf("FIXITY FAILED: %s sha256=%s %s: %v", e.name, e.sha, problem, err)
}

func (s *Service) writeBlob(ctx context.Context, zw *zip.Writer, e entry, mod time.Time, buf []byte) error {
	method := zip.Store
	if compressible(e.mediaType) {
		method = zip.Deflate
	}
	fh := &zip.FileHeader{Name: e.name, Method: method, Modified: mod}
	fh.SetMode(0o444)
	var fw io.Writer
	var err error
	if e.hasCRC && method == zip.Store && e.size < rawLimit {
		fw, err = zw.CreateRaw(rawHeader(fh, e))
	} else {
		fw, err = zw.CreateHeader(fh)
	}
	if err != nil {
		return err
	}
	rc, err := s.cfg.Blobs.Open(ctx, e.sha, 0, -1)
	if err != nil {
		return fmt.Errorf("bundle: open %s: %w", e.name, err)
	}
	defer rc.Close()
	if e.hasCRC {
		n, crc, err := copyCRC(fw, blob.ContextReader(ctx, rc))
		if err != nil {
			return fmt.Errorf("bundle: stream %s: %w", e.name, err)
		}
		if n != e.size || crc != e.crc {
			return fmt.Errorf("bundle: %s: %d bytes with crc32 %08x, want %d bytes with %08x: %w",
				e.name, n, crc, e.size, e.crc, blob.ErrCorrupt)
		}
		return nil
	}
	hr := blob.NewHashReader(blob.ContextReader(ctx, rc))
	if _, err := io.CopyBuffer(fw, hr, buf); err != nil {
		return fmt.Errorf("bundle: stream %s: %w", e.name, err)
	}
	if err := blob.CheckDigest(hr.Ref(), e.sha); err != nil {
		return fmt.Errorf("bundle: %s: %w", e.name, err)
	}
	if hr.Ref().Size != e.size {
		return fmt.Errorf("bundle: %s: %d bytes, want %d: %w", e.name, hr.Ref().Size, e.size, blob.ErrCorrupt)
	}
	return nil
}

// rawLimit is the size from which a stored original goes through
// CreateHeader (a variable so tests can send small files down that path).
var rawLimit int64 = math.MaxUint32

// rawHeader completes a header for an original stored as is whose size and
// CRC-32 are known from the record: the local header then carries them and
// no data descriptor follows, which readers that stream stored entries
// (java.util.zip, some archive tools) need. Entries of 4 GiB and more go
// through CreateHeader, whose data descriptor carries ZIP64 sizes.
func rawHeader(fh *zip.FileHeader, e entry) *zip.FileHeader {
	fh.CRC32 = e.crc
	fh.CompressedSize64, fh.UncompressedSize64 = uint64(e.size), uint64(e.size)
	fh.CreatorVersion = fh.CreatorVersion&0xff00 | 20
	fh.ReaderVersion = 20
	fh.ModifiedDate, fh.ModifiedTime = msDosTime(fh.Modified)
	if !isASCII(fh.Name) {
		fh.Flags |= 0x800 // UTF-8 name, as CreateHeader sets it
	}
	return fh
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// msDosTime is the MS-DOS date and time of t (UTC), as the local header stores it.
func msDosTime(t time.Time) (date, clock uint16) {
	t = t.UTC()
	if t.Year() < 1980 {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	date = uint16(t.Day() + int(t.Month())<<5 + (t.Year()-1980)<<9)
	clock = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	return date, clock
}

// prefetch chunks of chunkSize bytes are in flight per original. Measured
// here on page-cached reads: 256 KiB chunks keep up with a plain read loop,
// 64 KiB chunks reach 0.6× of it, and reading and checking in one goroutine
// 0.7×.
const (
	prefetch  = 4
	chunkSize = 256 << 10
)

// copyCRC copies src to dst and returns the length and CRC-32 of what it
// copied. A goroutine reads ahead into a ring of buffers, so reading the
// next chunk (a page-cache copy or a network receive) overlaps checking and
// writing this one; alone, the CRC would add its time to every read.
// Memory: prefetch × chunkSize.
func copyCRC(dst io.Writer, src io.Reader) (n int64, crc uint32, err error) {
	type chunk struct {
		b   []byte
		err error
	}
	full := make(chan chunk, prefetch)
	free := make(chan []byte, prefetch)
	for i := 0; i < prefetch; i++ {
		free <- make([]byte, chunkSize)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	// The reader must be gone before the caller closes src.
	defer wg.Wait()
	defer close(done)
	go func() {
		defer wg.Done()
		defer close(full)
		for {
			var b []byte
			select {
			case b = <-free:
			case <-done:
				return
			}
			k, err := blob.Fill(src, b)
			select {
			case full <- chunk{b[:k], err}:
			case <-done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range full {
		if len(c.b) > 0 {
			crc = crc32.Update(crc, crc32.IEEETable, c.b)
			if _, err := dst.Write(c.b); err != nil {
				return n, crc, err
			}
			n += int64(len(c.b))
		}
		if c.err == io.EOF {
			return n, crc, nil
		}
		if c.err != nil {
			return n, crc, c.err
		}
		free <- c.b[:cap(c.b)]
	}
	return n, crc, nil
}

// crcReader computes the CRC-32 (IEEE) and length of what passes through.
type crcReader struct {
	r   io.Reader
	crc uint32
	n   int64
}

func (c *crcReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.crc = crc32.Update(c.crc, crc32.IEEETable, p[:n])
	c.n += int64(n)
	return n, err
}

// checksums re-reads a pinned blob, verifies its sha256 and returns its CRC-32.
func (s *Service) checksums(ctx context.Context, sha string, size int64, buf []byte) (uint32, error) {
	rc, err := s.cfg.Blobs.Open(ctx, sha, 0, -1)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	hr := blob.NewHashReader(blob.ContextReader(ctx, rc))
	cr := &crcReader{r: hr}
	if _, err := io.CopyBuffer(io.Discard, cr, buf); err != nil {
		return 0, err
	}
	if err := blob.CheckDigest(hr.Ref(), sha); err != nil {
		return 0, err
	}
	if cr.n != size {
		return 0, fmt.Errorf("%d bytes, want %d: %w", cr.n, size, blob.ErrCorrupt)
	}
	return cr.crc, nil
}

// Size is the sum of the bundle's file sizes in lang: what the ZIP holds
// before compression and ZIP overhead (shown on the share landing page).
func Size(b *dossier.Bundle, lang string) int64 {
	var n int64
	for _, e := range entries(b, lang) {
		n += e.size
	}
	return n
}

// StoreReady reports whether the blob store answers, as EUNAVAILABLE when
// it does not: called before a download's 200 goes out (and before a share
// link's download is counted), so a store that is down is a 503 the client
// may retry, not a 200 whose ZIP breaks off at its first byte.
func (s *Service) StoreReady(ctx context.Context) error {
	if err := s.cfg.Blobs.Ping(ctx); err != nil {
		if blob.Unavailable(err) {
			return storeErr(err)
		}
		return &dossier.Error{Code: dossier.EUNAVAILABLE, Message: "the blob store is unavailable; try again later", Err: err}
	}
	return nil
}
