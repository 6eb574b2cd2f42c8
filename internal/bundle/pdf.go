package bundle

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
)

// stampFont is the family pdfcpu registers the embedded WQY font under.
const stampFont = "WenQuanYiMicroHei"

var (
	// pdfcpuDir is where pdfcpu's configuration and the stamp font were
	// last installed; pdfMu guards it.
	pdfcpuDir string
	// pdfMu serialises PDF builds in the process: pdfcpu keeps its
	// configuration and fonts in package globals.
	pdfMu sync.Mutex
)

// setupPDFCPU points pdfcpu's configuration directory into workDir and
// installs the CJK font for the page stamps. pdfcpu keeps both in package
// globals, so this happens once per process — and again whenever the
// directory it used has gone (another service's work dir, cleaned up).
// The caller holds pdfMu.
func (s *Service) setupPDFCPU() error {
	if pdfcpuDir != "" {
		if _, err := os.Stat(filepath.Join(pdfcpuDir, "wqy-microhei.ttf")); err == nil {
			return nil
		}
	}
	dir := filepath.Join(s.cfg.WorkDir, "pdfcpu-config")
	err := model.EnsureDefaultConfigAt(dir, false)
	ttf := filepath.Join(dir, "wqy-microhei.ttf")
	if err == nil {
		err = os.WriteFile(ttf, s.cfg.Font.TTF, 0o600)
	}
	if err == nil {
		err = api.InstallFonts([]string{ttf})
	}
	if err != nil {
		return fmt.Errorf("bundle: pdfcpu setup: %w", err)
	}
	pdfcpuDir = dir
	return nil
}

func pdfConf() *model.Configuration {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	return conf
}

// buildPrefix starts the name of each build's temp directory in WorkDir.
const buildPrefix = "build-"

// RemoveLeftovers removes the temp directories that builds in workDir left
// when the process died midway (each can hold hundreds of MB of rendered
// pages, and nothing else would ever remove them). Only for a workDir no
// running process builds in: serve calls it at start, holding the data
// directory's lock. It returns how many it removed.
func RemoveLeftovers(workDir string) (int, error) {
	dirs, err := filepath.Glob(filepath.Join(workDir, buildPrefix+"*"))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range dirs {
		if err := os.RemoveAll(d); err != nil {
			return n, fmt.Errorf("bundle: remove leftover %s: %w", d, err)
		}
		n++
	}
	return n, nil
}

// build renders every exhibit to PDF pages in temp files, merges them,
// adds one bookmark per exhibit and a stamp on every page, stores the result
// and the two evidence lists as blobs, and fills b.Items, b.Pages, b.Merged,
// b.ListZH and b.ListEN.
func (s *Service) build(ctx context.Context, c *dossier.Case, b *dossier.Bundle, exs []*exhibit) error {
	// Re-verify every original against its pinned sha256 now, so a bundle is
	// never made of damaged bytes, and keep its CRC-32 for cheap checks
	// while downloads stream.
	buf := make([]byte, copyBuf)
	for _, ex := range exs {
		crc, err := s.checksums(ctx, ex.SHA256, ex.Size, buf)
		if err != nil {
			if errors.Is(err, blob.ErrCorrupt) || errors.Is(err, blob.ErrNotExist) {
				return &dossier.Error{Code: dossier.ECONFLICT, Message: fmt.Sprintf(
					"exhibit %d (%s) failed its integrity check; run `dossier verify`", ex.N, ex.Title), Err: err}
			}
			return storeErr(fmt.Errorf("bundle: check exhibit %d: %w", ex.N, err))
		}
		ex.CRC32 = crc
	}

	// The checks above run concurrently with other builds; pdfcpu does not.
	pdfMu.Lock()
	defer pdfMu.Unlock()
	if err := s.setupPDFCPU(); err != nil {
		return err
	}
	dir, err := os.MkdirTemp(s.cfg.WorkDir, buildPrefix+"*")
	if err != nil {
		return fmt.Errorf("bundle: temp dir: %w", err)
	}
	defer os.RemoveAll(dir)

	final := filepath.Join(dir, "final.pdf")
	// A PDF that reads alone can still break the merge or the stamp (one
	// whose catalog says 2.0 under a 1.x header, appended to a PDF 1.x; a
	// Chromium-printed one whose font has the stamp font's name): when the merge fails, put each merged PDF through
	// the same merge and stamp next to a page of ours, give those that fail
	// a description page, and merge again, so one unusual file never makes
	// the bundle fail. Each round describes at least one more PDF, so this
	// ends; a failure no single PDF causes is reported.
	var mergeErr error
	describe := map[int]bool{}
	for {
		if err := s.layoutExhibits(ctx, dir, b, exs, describe); err != nil {
			return err
		}
		var parts []string
		var bms []pdfcpu.Bookmark
		for _, ex := range exs {
			parts = append(parts, ex.part)
			bms = append(bms, pdfcpu.Bookmark{Title: fmt.Sprintf("证据%d %s", ex.N, ex.Title), PageFrom: ex.PageFrom})
		}
		if mergeErr = safeMergeStamp(parts, filepath.Join(dir, "merged.pdf"), final, bms, exs, b.Pages); mergeErr == nil {
			break
		}
		found := false
		for i, ex := range exs {
			if !ex.Merged || renderKind(ex.MediaType, ex.Filename) != "pdf" {
				continue
			}
			ok, err := s.mergesAlone(dir, ex, i == 0, len(exs) == 1)
			if err != nil {
				return err
			}
			if !ok {
				describe[ex.N], found = true, true
			}
		}
		if !found {
			break // not one PDF's fault: report the merge error
		}
	}
	if mergeErr != nil {
		return mergeErr
	}
	if b.Merged, err = s.putFile(ctx, final); err != nil {
		return err
	}
	b.Items = make([]dossier.BundleItem, len(exs))
	for i, ex := range exs {
		b.Items[i] = ex.BundleItem
	}
	for _, l := range []struct {
		lang string
		dst  *dossier.BundleFile
	}{{"zh", &b.ListZH}, {"en", &b.ListEN}} {
		pdf, err := s.renderList(c, b, l.lang)
		if err != nil {
			return err
		}
		p := filepath.Join(dir, "list-"+l.lang+".pdf")
		if err := os.WriteFile(p, pdf, 0o600); err != nil {
			return fmt.Errorf("bundle: write list: %w", err)
		}
		if *l.dst, err = s.putFile(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// mergesAlone reports whether exhibit ex's PDF goes through the merge and
// the stamp in the role it has in the bundle's merge: the first file (the
// one the others are appended to), or one appended to it; its partner is
// its own description page, a PDF of ours. An exhibit alone in its bundle
// is not merged, only stamped. The error is the disk's.
func (s *Service) mergesAlone(dir string, ex *exhibit, first, alone bool) (bool, error) {
	self := *ex
	self.PageFrom = 1
	if alone {
		bm := []pdfcpu.Bookmark{{Title: ex.Title, PageFrom: 1}}
		return safeMergeStamp([]string{ex.part}, filepath.Join(dir, "probe.pdf"), filepath.Join(dir, "probe-final.pdf"),
			bm, []*exhibit{&self}, ex.Pages) == nil, nil
	}
	pdf, n, err := s.describe(ex, "unmergeable")
	if err != nil {
		return false, err
	}
	page := filepath.Join(dir, "probe-partner.pdf")
	if err := os.WriteFile(page, pdf, 0o600); err != nil {
		return false, fmt.Errorf("bundle: probe: %w", err)
	}
	partner := &exhibit{BundleItem: dossier.BundleItem{N: ex.N + 1, Title: "partner", PageFrom: 1, Pages: n}}
	parts, order := []string{page, ex.part}, []*exhibit{partner, &self}
	if first {
		parts, order = []string{ex.part, page}, []*exhibit{&self, partner}
	}
	order[1].PageFrom = order[0].Pages + 1
	bms := []pdfcpu.Bookmark{{Title: order[0].Title, PageFrom: 1}, {Title: order[1].Title, PageFrom: order[1].PageFrom}}
	return safeMergeStamp(parts, filepath.Join(dir, "probe.pdf"), filepath.Join(dir, "probe-final.pdf"),
		bms, order, ex.Pages+n) == nil, nil
}

// layoutExhibits turns every exhibit into its PDF part and assigns page ranges.
func (s *Service) layoutExhibits(ctx context.Context, dir string, b *dossier.Bundle, exs []*exhibit, describe map[int]bool) error {
	page := 1
	var mergedBytes int64
	for _, ex := range exs {
		if err := ctx.Err(); err != nil {
			return err
		}
		var p string
		var n int
		var merged bool
		var err error
		if describe[ex.N] {
			p = filepath.Join(dir, fmt.Sprintf("%04d.pdf", ex.N))
			var pdf []byte
			if pdf, n, err = s.describe(ex, "unmergeable"); err == nil {
				err = os.WriteFile(p, pdf, 0o600)
			}
		} else {
			p, n, merged, err = s.exhibitPDF(ctx, dir, ex, &mergedBytes)
		}
		if err != nil {
			return err
		}
		ex.PageFrom, ex.Pages, ex.Merged, ex.part = page, n, merged, p
		page += n
	}
	b.Pages = page - 1
	return nil
}

// safeMergeStamp is mergeStamp with pdfcpu panics on hostile input turned
// into errors.
func safeMergeStamp(parts []string, merged, final string, bms []pdfcpu.Bookmark, exs []*exhibit, total int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("bundle: merge: panic: %v", r)
		}
	}()
	return mergeStamp(parts, merged, final, bms, exs, total)
}

// mergeStamp concatenates parts into merged, then adds bookmarks and one
// stamp per page ("证据 N · 第 P 页 / 共 T 页": the exhibit and the running
// page number) in a single read and write of the merged file.
func mergeStamp(parts []string, merged, final string, bms []pdfcpu.Bookmark, exs []*exhibit, total int) error {
	out, err := os.Create(merged)
	if err != nil {
		return fmt.Errorf("bundle: merge: %w", err)
	}
	if len(parts) == 1 {
		in, err := os.Open(parts[0])
		if err == nil {
			_, err = io.Copy(out, in)
			in.Close()
		}
		if err != nil {
			out.Close()
			return fmt.Errorf("bundle: merge: %w", err)
		}
	} else {
		if parts, err = asPDF20(parts, merged+".first.pdf"); err == nil {
			err = api.Merge("", parts, out, pdfConf(), false)
		}
		if err != nil {
			out.Close()
			return fmt.Errorf("bundle: merge: %w", err)
		}
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("bundle: merge: %w", err)
	}
	in, err := os.Open(merged)
	if err != nil {
		return fmt.Errorf("bundle: stamp: %w", err)
	}
	defer in.Close()
	pctx, err := api.ReadValidateAndOptimize(in, pdfConf())
	if err != nil {
		return fmt.Errorf("bundle: read merged: %w", err)
	}
	if pctx.PageCount != total {
		return fmt.Errorf("bundle: merged PDF has %d pages, want %d", pctx.PageCount, total)
	}
	if err := pdfcpu.AddBookmarks(pctx, bms, true); err != nil {
		return fmt.Errorf("bundle: bookmarks: %w", err)
	}
	stamps := map[int]*model.Watermark{}
	for _, ex := range exs {
		for p := ex.PageFrom; p < ex.PageFrom+ex.Pages; p++ {
			wm, err := api.TextWatermark(fmt.Sprintf("证据 %d · 第 %d 页 / 共 %d 页", ex.N, p, total),
				"font:"+stampFont+", points:9, pos:tr, off:-18 -12, scale:1 abs, rot:0, fillc:#A00000, op:1",
				true, false, types.POINTS)
			if err != nil {
				return fmt.Errorf("bundle: stamp: %w", err)
			}
			stamps[p] = wm
		}
	}
	if err := pdfcpu.AddWatermarksMap(pctx, stamps); err != nil {
		return fmt.Errorf("bundle: stamp: %w", err)
	}
	w, err := os.Create(final)
	if err != nil {
		return fmt.Errorf("bundle: stamp: %w", err)
	}
	if err := api.WriteContext(pctx, w); err != nil {
		w.Close()
		return fmt.Errorf("bundle: write merged: %w", err)
	}
	return w.Close()
}

// putFile stores a built file as a blob.
func (s *Service) putFile(ctx context.Context, p string) (dossier.BundleFile, error) {
	f, err := os.Open(p)
	if err != nil {
		return dossier.BundleFile{}, fmt.Errorf("bundle: %w", err)
	}
	defer f.Close()
	ref, err := s.cfg.Blobs.Put(ctx, f, "")
	if err != nil {
		return dossier.BundleFile{}, storeErr(fmt.Errorf("bundle: store %s: %w", filepath.Base(p), err))
	}
	return dossier.BundleFile{SHA256: ref.SHA256, Size: ref.Size}, nil
}

// exhibitPDF writes exhibit ex as a PDF file in dir and returns its path,
// its page count and whether the exhibit itself (rather than a description
// page standing in for it) is in the PDF. Exhibits over the merge limit, of
// media types that have no page form, or that fail to convert get the
// description page.
func (s *Service) exhibitPDF(ctx context.Context, dir string, ex *exhibit, mergedBytes *int64) (string, int, bool, error) {
	p := filepath.Join(dir, fmt.Sprintf("%04d.pdf", ex.N))
	note := ""
	kind := renderKind(ex.MediaType, ex.Filename)
	switch {
	case kind == "":
	case ex.Size > s.cfg.MaxMergeBytes:
		note = "too_large"
	case *mergedBytes+ex.Size > 8*s.cfg.MaxMergeBytes:
		note = "pdf_full" // this file is fine; the exhibits before it filled the PDF
	default:
		n, err := s.convert(ctx, p, ex, kind)
		if err == nil {
			*mergedBytes += ex.Size
			return p, n, true, nil
		}
		if dossier.ErrorCode(err) != dossier.EUNSUPPORTED {
			return "", 0, false, err
		}
		note = "unreadable"
	}
	pdf, n, err := s.describe(ex, note)
	if err != nil {
		return "", 0, false, err
	}
	return p, n, false, os.WriteFile(p, pdf, 0o600)
}

// renderKind says how an exhibit becomes pages: "pdf", "image", "text",
// "email", or "" when it has no page form (audio, video, archives…).
func renderKind(mediaType, filename string) string {
	mt := strings.ToLower(strings.TrimSpace(strings.Split(mediaType, ";")[0]))
	switch {
	case mt == "application/pdf":
		return "pdf"
	case mt == "image/jpeg" || mt == "image/png":
		return "image"
	case mt == "message/rfc822" || strings.HasSuffix(strings.ToLower(filename), ".eml"):
		return "email"
	case strings.HasPrefix(mt, "text/"):
		return "text"
	}
	return ""
}

// convert renders one exhibit's bytes to p. An error with code EUNSUPPORTED
// means these bytes could not be converted (a damaged or encrypted PDF…);
// anything else is a storage or internal failure.
func (s *Service) convert(ctx context.Context, p string, ex *exhibit, kind string) (int, error) {
	rc, err := s.cfg.Blobs.Open(ctx, ex.SHA256, 0, -1)
	if err != nil {
		return 0, storeErr(fmt.Errorf("bundle: open exhibit %d: %w", ex.N, err))
	}
	defer rc.Close()
	src := &readErr{r: rc}
	hr := blob.NewHashReader(src)
	// Bytes the converter rejects are these bytes' fault; a read the store
	// (or the request) broke off is not, and must not become a description
	// page calling the exhibit unreadable.
	unsupported := func(err error) error {
		if src.err != nil {
			return storeErr(fmt.Errorf("bundle: read exhibit %d: %w", ex.N, src.err))
		}
		return &dossier.Error{Code: dossier.EUNSUPPORTED, Message: "cannot convert", Err: err}
	}
	switch kind {
	case "pdf":
		if err := copyFile(p, hr); err != nil {
			return 0, storeErr(err)
		}
		if err := blob.CheckDigest(hr.Ref(), ex.SHA256); err != nil {
			return 0, fmt.Errorf("bundle: exhibit %d: %w", ex.N, err)
		}
		n, err := plainPDF(p)
		if err == nil && n == 0 {
			err = unsupported(nil)
		}
		return n, err
	case "image":
		// pdfcpu reads the whole image anyway; it is below MaxMergeBytes.
		img, err := io.ReadAll(hr)
		if err != nil {
			return 0, storeErr(fmt.Errorf("bundle: read exhibit %d: %w", ex.N, err))
		}
		pdf, err := imagePage(img)
		if err != nil {
			return 0, unsupported(err)
		}
		return 1, os.WriteFile(p, pdf, 0o600)
	}
	text, err := readText(hr, kind)
	if err != nil {
		return 0, unsupported(err)
	}
	doc := s.cfg.Font.NewDoc(docOptions(ex.Title))
	doc.Heading(fmt.Sprintf("证据 %d  %s", ex.N, ex.Title))
	doc.Para(text, "")
	pdf, n, err := doc.Bytes()
	if err != nil {
		return 0, err
	}
	return n, os.WriteFile(p, pdf, 0o600)
}

// imagePage returns a one-page PDF of a JPEG or PNG, the page turned as a
// JPEG's EXIF orientation asks (on a landscape sheet when turned a quarter,
// so it stands as a portrait A4). The image's own bytes are embedded
// unchanged.
func imagePage(img []byte) ([]byte, error) {
	imp := api.DefaultImportConfig()
	imp.Pos, imp.Scale = types.Center, 0.85
	rot := jpegRotation(img)
	if rot == 90 || rot == 270 {
		a4 := types.PaperSize["A4"]
		imp.PageDim = &types.Dim{Width: a4.Height, Height: a4.Width}
	}
	var page bytes.Buffer
	if err := api.ImportImages(nil, &page, []io.Reader{bytes.NewReader(img)}, imp, pdfConf()); err != nil {
		return nil, err
	}
	if rot == 0 {
		return page.Bytes(), nil
	}
	var turned bytes.Buffer
	if err := api.Rotate(bytes.NewReader(page.Bytes()), &turned, rot, nil, pdfConf()); err != nil {
		return nil, err
	}
	return turned.Bytes(), nil
}

// asPDF20 returns parts ready for pdfcpu's merge, which refuses to append
// a PDF 2.0 (as newer scanners and office suites write) to a PDF 1.x but
// appends a 1.x to a 2.0. When a later part says 2.0 in its header and the
// first does not, the first is rewritten to tmp as 2.0, so the merge is one
// (the stamp then writes the bundle as 1.7, as it writes every bundle); the
// other parts and every original stay as they are.
func asPDF20(parts []string, tmp string) ([]string, error) {
	later := false
	for _, p := range parts[1:] {
		v20, err := headerPDF20(p)
		if err != nil {
			return nil, err
		}
		later = later || v20
	}
	if v20, err := headerPDF20(parts[0]); err != nil || v20 || !later {
		return parts, err
	}
	in, err := os.Open(parts[0])
	if err != nil {
		return nil, err
	}
	defer in.Close()
	pctx, err := api.ReadAndValidate(in, pdfConf())
	if err != nil {
		return nil, err
	}
	v := model.V20
	pctx.RootVersion = &v
	w, err := os.Create(tmp)
	if err != nil {
		return nil, err
	}
	if err := api.WriteContext(pctx, w); err != nil {
		w.Close()
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return append([]string{tmp}, parts[1:]...), nil
}

// headerPDF20 reports whether the PDF at p starts "%PDF-2.".
func headerPDF20(p string) (bool, error) {
	f, err := os.Open(p)
	if err != nil {
		return false, err
	}
	defer f.Close()
	var h [7]byte
	n, err := io.ReadFull(f, h[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, err
	}
	return string(h[:n]) == "%PDF-2.", nil
}

// plainPDF returns the page count of the PDF at p. A PDF encrypted only
// with an owner password (it opens without one, but forbids printing or
// changes, as bank statements often do) is rewritten at p decrypted, since
// pdfcpu's merge refuses encrypted files; p is this build's copy, the
// original is untouched. Bytes pdfcpu cannot read or decrypt (one that
// needs a password to open) are EUNSUPPORTED; other errors are the disk's.
func plainPDF(p string) (int, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	unsupported := func(err error) error {
		return &dossier.Error{Code: dossier.EUNSUPPORTED, Message: "cannot convert", Err: err}
	}
	pctx, err := api.ReadAndValidate(f, pdfConf())
	if err != nil {
		return 0, unsupported(err)
	}
	if pctx.Encrypt == nil {
		return pctx.PageCount, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	tmp := p + ".plain"
	w, err := os.Create(tmp)
	if err != nil {
		return 0, err
	}
	if err := api.Decrypt(f, w, pdfConf()); err != nil {
		w.Close()
		return 0, unsupported(err)
	}
	if err := w.Close(); err != nil {
		return 0, fmt.Errorf("bundle: decrypt: %w", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return 0, fmt.Errorf("bundle: decrypt: %w", err)
	}
	return pctx.PageCount, nil
}

func copyFile(p string, r io.Reader) error {
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return fmt.Errorf("bundle: copy exhibit: %w", err)
	}
	return f.Close()
}

// readErr remembers the first error reading an exhibit's bytes.
type readErr struct {
	r   io.Reader
	err error
}

func (r *readErr) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF && r.err == nil {
		r.err = err
	}
	return n, err
}

// storeErr makes a blob store failure the dependency down (EUNAVAILABLE,
// 503: try again later) rather than an internal error; other errors pass
// unchanged.
func storeErr(err error) error {
	if blob.Unavailable(err) {
		return &dossier.Error{Code: dossier.EUNAVAILABLE, Message: "the blob store is unavailable; try again later", Err: err}
	}
	return err
}
