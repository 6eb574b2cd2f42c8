package extract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// minPageRunes is the number of letters, digits and ideographs below which a
// PDF page is taken to be a scan: headers stamped on scanned pages ("第1页")
// must not hide the fact that the page's content is an image.
const minPageRunes = 20

// extractPDF reads the text layer with poppler's pdftotext (the pure-Go PDF
// readers garble Chinese) and OCRs the pages that have none.
func extractPDF(ctx context.Context, r io.Reader, l Limits) (Result, error) {
	f, err := spool(r, l, "dossier-*.pdf")
	if err != nil {
		return Result{}, err
	}
	f.Close()
	defer os.Remove(f.Name())

	layer := &textBuffer{max: l.MaxText}
	if err := run(ctx, layer, nil, "pdftotext", "-layout", "-enc", "UTF-8", f.Name(), "-"); err != nil {
		return Result{}, fmt.Errorf("extract: pdf: %w", err)
	}
	pages := strings.Split(strings.TrimSuffix(layer.String(), "\f"), "\f")
	res := Result{Method: "pdftotext", Meta: map[string]string{"pages": strconv.Itoa(len(pages))}, Truncated: layer.truncated}
	ocred := 0
	var dir string
	for i, p := range pages {
		if countWordRunes(p) >= minPageRunes || layer.truncated {
			continue
		}
		if ocred >= l.MaxOCRPages {
			res.Meta["ocr_skipped"] = "more than " + strconv.Itoa(l.MaxOCRPages) + " scanned pages"
			break
		}
		if dir == "" {
			if dir, err = os.MkdirTemp(l.TempDir, "dossier-ocr-*"); err != nil {
				return Result{}, fmt.Errorf("extract: pdf: %w", err)
			}
			defer os.RemoveAll(dir)
		}
		text, err := ocrPDFPage(ctx, f.Name(), i+1, dir, l)
		if err != nil {
			return Result{}, fmt.Errorf("extract: pdf page %d: %w", i+1, err)
		}
		pages[i] = text
		ocred++
	}
	if ocred > 0 {
		res.Method = "ocr"
		res.Meta["ocr_pages"] = strconv.Itoa(ocred)
	}
	for i := range pages {
		pages[i] = strings.TrimRight(pages[i], " \n")
	}
	res.Text = strings.TrimSpace(strings.Join(pages, "\n\n"))
	return res, nil
}

// ocrPDFPage renders one page at 300 dpi in grey (what tesseract is tuned
// for) and recognises it.
func ocrPDFPage(ctx context.Context, pdf string, page int, dir string, l Limits) (string, error) {
	prefix := filepath.Join(dir, "page"+strconv.Itoa(page))
	n := strconv.Itoa(page)
	if err := run(ctx, io.Discard, nil, "pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", "-f", n, "-l", n, pdf, prefix); err != nil {
		return "", err
	}
	defer os.Remove(prefix + ".png")
	return ocrFile(ctx, prefix+".png", l)
}

// extractImage OCRs a PNG, JPEG, TIFF, BMP, GIF or WebP image.
func extractImage(ctx context.Context, r io.Reader, l Limits) (Result, error) {
	f, err := spool(r, l, "dossier-*.img")
	if err != nil {
		return Result{}, err
	}
	f.Close()
	defer os.Remove(f.Name())
	text, err := ocrFile(ctx, f.Name(), l)
	if err != nil {
		return Result{}, fmt.Errorf("extract: image: %w", err)
	}
	return Result{Text: text, Method: "ocr"}, nil
}

// ocrFile runs tesseract with Chinese and English models. OpenMP threading
// makes tesseract 6× slower on 2 shared cores (14.4 s vs 2.4 s a page), so it
// is limited to one thread; parallelism comes from running one extraction
// per core.
func ocrFile(ctx context.Context, path string, l Limits) (string, error) {
	out := &textBuffer{max: l.MaxText}
	env := append(os.Environ(), "OMP_THREAD_LIMIT=1")
	if err := run(ctx, out, env, "tesseract", path, "stdout", "-l", "chi_sim+eng"); err != nil {
		return "", err
	}
	return joinCJKSpaces(strings.TrimSpace(out.String())), nil
}

// joinCJKSpaces removes the spaces tesseract's chi_sim model puts between
// Chinese characters ("分 期 还 款"), keeping those next to Latin words.
func joinCJKSpaces(s string) string {
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(rs); i++ {
		if rs[i] == ' ' && i > 0 && isCJK(rs[i-1]) {
			j := i
			for j < len(rs) && rs[j] == ' ' {
				j++
			}
			if j < len(rs) && isCJK(rs[j]) {
				i = j - 1
				continue
			}
		}
		b.WriteRune(rs[i])
	}
	return b.String()
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

func countWordRunes(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// run executes a tool under ctx, writing its stdout to out. A failure's
// error carries the tool's own message (the first lines of stderr), which is
// what an operator needs in text_error: "Syntax Error: Couldn't find
// trailer dictionary", "Incorrect password".
func run(ctx context.Context, out io.Writer, env []string, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout = out
	stderr := &textBuffer{max: 2048}
	cmd.Stderr = stderr
	cmd.Env = env
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", name, ctx.Err())
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		msg := firstError(stderr.String())
		if msg == "" {
			msg = ee.String()
		}
		return fmt.Errorf("%s: %s", name, msg)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// firstError picks the most telling stderr line: the first mentioning an
// error (poppler prints warnings before it), else the first.
func firstError(stderr string) string {
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	for _, l := range lines {
		if strings.Contains(strings.ToLower(l), "error") {
			return strings.TrimSpace(l)
		}
	}
	return strings.TrimSpace(lines[0])
}
