package document

import (
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkLawyerLetter renders the Chinese lawyer's letter from a case (the
// font is parsed once by Load, outside the loop, as in the server) and, as
// the peer, has headless Chromium print an equivalent HTML letter to PDF.
// Reported: p50-ms per letter, pdf-bytes, chromium-p50-ms and x-faster
// (Chromium's p50 over ours).
func BenchmarkLawyerLetter(b *testing.B) {
	e := mustEngine(b)
	in := Input{Case: testCase(), Evidence: testEvidence(), Fields: requestFields["lawyer_letter"], Now: now}
	var size int
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		res, err := e.Render("lawyer_letter", "zh-CN", in)
		if err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
		size = len(res.PDF)
	}
	ours := median(times)
	b.ReportMetric(ms(ours), "p50-ms")
	b.ReportMetric(float64(size), "pdf-bytes")

	chromium, err := exec.LookPath("chromium")
	if err != nil {
		b.Logf("no chromium: peer not measured")
		return
	}
	dir := b.TempDir()
	page := filepath.Join(dir, "letter.html")
	if err := os.WriteFile(page, []byte(letterHTML(b, e, in)), 0o644); err != nil {
		b.Fatal(err)
	}
	var peer []time.Duration
	for i := 0; i < 3; i++ {
		out := filepath.Join(dir, fmt.Sprintf("out%d.pdf", i))
		start := time.Now()
		cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
			"--disable-background-networking", "--no-pdf-header-footer", "--user-data-dir="+filepath.Join(dir, "profile"),
			"--print-to-pdf="+out, "file://"+page)
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("chromium: %v\n%s", err, msg)
		}
		peer = append(peer, time.Since(start))
		if st, err := os.Stat(out); err != nil || st.Size() == 0 {
			b.Fatalf("chromium wrote no PDF: %v", err)
		}
	}
	theirs := median(peer)
	b.ReportMetric(ms(theirs), "chromium-p50-ms")
	b.ReportMetric(float64(theirs)/float64(ours), "x-faster")
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// letterHTML writes the same letter, block for block, as an HTML page for
// the browser peer.
func letterHTML(tb testing.TB, e *Engine, in Input) string {
	t, _ := e.Template("lawyer_letter", "zh-CN")
	vals, err := resolve(t, in, e.font.Has)
	if err != nil {
		tb.Fatal(err)
	}
	disp := display(t, vals, documentDate(in.Now, in.Location))
	var w strings.Builder
	w.WriteString(`<!doctype html><html lang="zh-CN"><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm 20mm 20mm 25mm }
body { font-family: "WenQuanYi Micro Hei"; font-size: 11pt; line-height: 1.6 }
h1 { text-align: center; font-size: 18pt; font-weight: normal } h2 { font-size: 12.5pt; font-weight: normal; margin: 4mm 0 0 }
.lh { text-align: center; font-size: 16pt; border-bottom: 0.6mm solid #000 } p { margin: 0 } p.i { text-indent: 2em } .r { text-align: right }
</style><body>`)
	section := 0
	for _, bl := range t.Blocks {
		args := make([]string, len(bl.Args))
		ok := true
		for i, a := range bl.Args {
			var full bool
			args[i], full = fill(a, disp)
			args[i] = html.EscapeString(args[i])
			ok = ok && full
		}
		if bl.Optional && !ok {
			continue
		}
		switch bl.Kind {
		case "letterhead":
			fmt.Fprintf(&w, `<div class="lh">%s<br><small>%s</small></div>`, args[0], strings.Join(args[1:], " "))
		case "heading":
			fmt.Fprintf(&w, "<h1>%s</h1>", args[0])
		case "section":
			section++
			fmt.Fprintf(&w, "<h2>%s%s</h2>", sectionNumber(section, true), args[0])
		case "para":
			fmt.Fprintf(&w, `<p class="i">%s</p>`, args[0])
		case "line":
			fmt.Fprintf(&w, "<p>%s</p>", args[0])
		case "right":
			fmt.Fprintf(&w, `<p class="r">%s</p>`, args[0])
		case "space":
			w.WriteString("<br>")
		}
	}
	w.WriteString("</body></html>")
	return w.String()
}
