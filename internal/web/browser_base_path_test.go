package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserUnderPrefix: behind a proxy that serves Dossier under /dossier
// and passes the prefix on (and answers 404 outside it), a real browser
// loads the styles and script, signs in, creates a case and uploads to it
// through the page's script, never leaving the prefix.
func TestBrowserUnderPrefix(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts chromium")
	}
	ctx := newBrowser(t, t.TempDir())
	app := serve(t, "DOSSIER_BASE_PATH="+basePath)
	root := prefixProxy(t, app, false).URL + basePath
	j := &journey{t: t, ctx: ctx, base: root, dir: t.TempDir()}

	j.do("open", chromedp.Navigate(root+"/"), chromedp.WaitVisible(chromedp.CSS("#f-username")))
	if p := j.eval("location.pathname"); p != basePath+"/login" {
		t.Errorf("the root sent the browser to %s", p)
	}
	// A stylesheet the proxy answered 404 for would have no rules.
	if n := j.eval(`String(document.styleSheets.length && document.styleSheets[0].cssRules.length)`); n == "0" {
		t.Errorf("the stylesheet did not load under the prefix")
	}
	j.do("sign in", chromedp.SendKeys(chromedp.CSS("#f-username"), "admin"), chromedp.SendKeys(chromedp.CSS("#f-password"), adminPassword),
		chromedp.Click(chromedp.CSS("#login-submit")), chromedp.WaitVisible(chromedp.CSS("#new-case")))
	j.do("new case", clickNav("#new-case"), chromedp.WaitVisible(chromedp.CSS("#f-number")))
	j.do("create case",
		chromedp.SetValue(chromedp.CSS("#f-number"), "2026-HZ-0777"),
		chromedp.SetValue(chromedp.CSS("#f-principal"), "12000.00"),
		chromedp.SetValue(chromedp.CSS("#f-title"), "前缀下的案件"),
		chromedp.SetValue(chromedp.CSS("#f-contract-no"), "HT-2026-0777"),
		chromedp.SetValue(chromedp.CSS("#f-due-date"), time.Now().AddDate(0, 0, -40).Format("2006-01-02")),
		chromedp.SetValue(chromedp.CSS("#f-creditor-name"), "上海申达贸易有限公司"),
		chromedp.SetValue(chromedp.CSS("#f-creditor-address"), "上海市浦东新区张杨路 500 号"),
		chromedp.SetValue(chromedp.CSS("#f-debtor-name"), "杭州恒远机械有限公司"),
		chromedp.SetValue(chromedp.CSS("#f-debtor-address"), "杭州市余杭区文一西路 998 号"),
		chromedp.Click(chromedp.CSS("#create-case")), chromedp.WaitVisible(chromedp.CSS("#stage-now")))
	caseURL := j.eval("location.pathname")
	if !strings.HasPrefix(caseURL, basePath+"/cases/") {
		t.Fatalf("the new case opened at %s", caseURL)
	}
	j.do("upload", chromedp.SetUploadFiles(chromedp.CSS("#up-files"), testFiles(t)[:1]),
		poll(`document.querySelector("[data-upload]").getAttribute("data-finished") !== ""`+
			` && document.querySelectorAll("#uploads li").length === 1`))
	if state := j.eval(`document.querySelector("#uploads li").getAttribute("data-state")`); state != "done" {
		t.Errorf("upload through the prefix: %s", state)
	}
	j.do("reopen case", chromedp.Navigate(root+strings.TrimPrefix(caseURL, basePath)+"#evidence"),
		chromedp.WaitVisible(chromedp.CSS("#evidence-table")))
	j.do("evidence page", clickNav("#evidence-table a[href*='/evidence/']"), chromedp.WaitVisible(chromedp.CSS("h1")))
	if p := j.eval("location.pathname"); !strings.HasPrefix(p, basePath+"/evidence/") {
		t.Errorf("the evidence link led to %s", p)
	}
	// Every URL the page names stays under the prefix.
	if out := j.eval(`Array.from(document.querySelectorAll("[href],[src],[action]")).map(el => el.href || el.src || el.action)` +
		`.filter(u => u && !u.startsWith(location.origin + "` + basePath + `/") && !u.startsWith("data:")).join(" ")`); out != "" {
		t.Errorf("the evidence page names URLs outside %s: %s", basePath, out)
	}
}
