package web_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/dossier/dossier/internal/testenv"
)

const chromiumPath = "/usr/bin/chromium"

// serve starts `dossier serve` on a free loopback port with a fresh data
// directory and returns its base URL; env adds or overrides settings.
func serve(t *testing.T, env ...string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(testenv.DossierBinary(t), "serve")
	cmd.Env = append(os.Environ(), "DOSSIER_DATA="+t.TempDir(), "DOSSIER_ADDR="+addr,
		"DOSSIER_BASE_URL=http://"+addr, "DOSSIER_ADMIN_PASSWORD="+adminPassword, "DOSSIER_LOG_LEVEL=warn",
		"DATABASE_URL=", "DOSSIER_S3_ENDPOINT=")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(t.TempDir(), "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("server log:\n%s", tail(string(b), 4000))
		}
	})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		re := regexp.MustCompile(`running at (http://\S+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				ready <- m[1]
			}
		}
	}()
	select {
	case u := <-ready:
		return u
	case <-time.After(90 * time.Second):
		t.Fatal("dossier serve did not start")
	}
	return ""
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// newBrowser starts Debian's chromium headless with a fresh profile.
func newBrowser(t *testing.T, downloads string) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		testenv.Require(t, "chromium", chromiumPath+" not installed")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads}); err != nil {
		t.Fatalf("download behaviour: %v", err)
	}
	return ctx
}

// journey drives one browser and saves a numbered screenshot of each page.
type journey struct {
	t    *testing.T
	ctx  context.Context
	base string
	n    int
	dir  string
}

func (j *journey) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	j.t.Helper()
	// A step that hangs fails on its own, not at the test's deadline.
	ctx, cancel := context.WithTimeout(j.ctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		loc, _ := chromedp.Run(j.ctx, chromedp.Location())
		j.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
		j.t.Fatalf("%s (at %s): %v", what, loc, err)
	}
}

func (j *journey) text(sel string) string {
	j.t.Helper()
	s, err := chromedp.Run(j.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		j.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func (j *journey) eval(expr string) string {
	j.t.Helper()
	s, err := chromedp.Run(j.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		j.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return s
}

// shot saves a full-page screenshot as test-artifacts/web/NN-name.png.
func (j *journey) shot(name string) {
	j.t.Helper()
	j.n++
	png, err := chromedp.Run(j.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		j.t.Logf("screenshot %s: %v", name, err)
		return
	}
	p := filepath.Join(j.dir, fmt.Sprintf("%02d-%s.png", j.n, name))
	if err := os.WriteFile(p, png, 0o644); err != nil {
		j.t.Fatal(err)
	}
}

// waitFor polls a JavaScript predicate, reloading the page between tries
// (the search index fills in the background).
func (j *journey) waitFor(url, predicate string, tries int) {
	j.t.Helper()
	for i := 0; i < tries; i++ {
		j.do("open "+url, chromedp.Navigate(url))
		ok, err := chromedp.Run(j.ctx, chromedp.Evaluate[bool](predicate))
		if err == nil && ok {
			return
		}
		time.Sleep(time.Second)
	}
	j.shot("timeout")
	j.t.Fatalf("%s: %s never became true", url, predicate)
}

// testFiles writes the three uploads: a PDF letter with Chinese text, a
// scanned image and a short recording.
func testFiles(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	pdf, err := os.ReadFile("../extract/testdata/text.pdf")
	if err != nil {
		t.Fatal(err)
	}
	png, err := os.ReadFile("../extract/testdata/ocr.png")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"催款函.pdf": pdf, "对账单扫描.png": png, "电话录音.wav": wav(3 * 8000)}
	var paths []string
	for _, name := range []string{"催款函.pdf", "对账单扫描.png", "电话录音.wav"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// wav is n samples of a quiet 8 kHz tone, 16-bit mono.
func wav(n int) []byte {
	var b strings.Builder
	w := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	w(uint32(36 + 2*n))
	b.WriteString("WAVEfmt ")
	w(uint32(16))
	w(uint16(1))
	w(uint16(1))
	w(uint32(8000))
	w(uint32(16000))
	w(uint16(2))
	w(uint16(16))
	b.WriteString("data")
	w(uint32(2 * n))
	for i := 0; i < n; i++ {
		w(int16((i % 40) * 50))
	}
	return []byte(b.String())
}

// waitDownload waits for a finished download in dir.
func waitDownload(t *testing.T, dir string, max time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".crdownload") {
				continue
			}
			p := filepath.Join(dir, e.Name())
			if fi, err := os.Stat(p); err == nil && fi.Size() > 0 {
				f, _ := os.Open(p)
				head := make([]byte, 2)
				_, _ = io.ReadFull(f, head)
				f.Close()
				if string(head) == "PK" {
					return p
				}
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("no download in %s", dir)
	return ""
}

// evalTrue runs a script that returns true, as a step.
func evalTrue(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		ok, err := chromedp.Evaluate[bool](expr)(ctx, t)
		if err == nil && !ok {
			err = fmt.Errorf("script returned false")
		}
		return err
	})
}

// poll waits until a JavaScript predicate holds, as a step.
func poll(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[bool](expr)(ctx, t)
		return err
	})
}

// clickNav clicks and waits for the page it leads to to load.
func clickNav(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.WaitEvent(page.LoadEventFired, func(page.EventLoadEventFired) bool { return true },
			chromedp.Click(chromedp.CSS(sel)))(ctx, t)
		return err
	})
}
