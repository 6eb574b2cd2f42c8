package web_test

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestBrowserJourney is the whole path of a lawyer through the pages in a
// real chromium: sign in → create a case → upload three files with progress
// → search and open a hit → generate a lawyer's letter → build a bundle →
// create a share link → download it signed out.
func TestBrowserJourney(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts chromium")
	}
	downloads := t.TempDir()
	ctx := newBrowser(t, downloads)
	base := serve(t)
	shots := filepath.Join("..", "..", "test-artifacts", "web")
	_ = os.RemoveAll(shots)
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	j := &journey{t: t, ctx: ctx, base: base, dir: shots}

	// Sign in.
	j.do("open", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#f-username")))
	j.shot("login")
	j.do("sign in", chromedp.SendKeys(chromedp.CSS("#f-username"), "admin"), chromedp.SendKeys(chromedp.CSS("#f-password"), adminPassword),
		chromedp.Click(chromedp.CSS("#login-submit")), chromedp.WaitVisible(chromedp.CSS("#new-case")))
	j.shot("cases-empty")

	// Create a case, first with a mistake to see the errors by the fields.
	j.do("new case", chromedp.Click(chromedp.CSS("#new-case")), chromedp.WaitVisible(chromedp.CSS("#f-number")))
	j.do("bad case", chromedp.SendKeys(chromedp.CSS("#f-number"), "2026-HZ-0042"), chromedp.SendKeys(chromedp.CSS("#f-principal"), "12,000.x"),
		chromedp.Click(chromedp.CSS("#create-case")), chromedp.WaitVisible(chromedp.CSS("#f-principal-err")))
	j.shot("case-form-errors")
	due := time.Now().AddDate(0, 0, -95).Format("2006-01-02")
	j.do("fix case",
		chromedp.SetValue(chromedp.CSS("#f-principal"), "12000.00"),
		chromedp.SetValue(chromedp.CSS("#f-title"), "上海申达贸易诉杭州恒远机械买卖合同货款"),
		chromedp.SetValue(chromedp.CSS("#f-contract-no"), "HT-2026-0042"),
		chromedp.SetValue(chromedp.CSS("#f-due-date"), due),
		chromedp.SetValue(chromedp.CSS("#f-creditor-name"), "上海申达贸易有限公司"),
		chromedp.SetValue(chromedp.CSS("#f-creditor-address"), "上海市浦东新区张杨路 500 号"),
		chromedp.SetValue(chromedp.CSS("#f-debtor-name"), "杭州恒远机械有限公司"),
		chromedp.SetValue(chromedp.CSS("#f-debtor-address"), "杭州市余杭区文一西路 998 号"),
		chromedp.Click(chromedp.CSS("#create-case")), chromedp.WaitVisible(chromedp.CSS("#stage-now")))
	caseURL := j.eval("location.pathname")
	if badge := j.text("h1 .badge"); !strings.Contains(badge, "危险") {
		t.Errorf("95 days overdue shows badge %q, want the danger bucket", badge)
	}
	j.shot("case-created")
	j.do("list", chromedp.Navigate(base+"/cases?bucket=danger&q=HZ"), chromedp.WaitVisible(chromedp.CSS("table")))
	if n := j.eval(`String(document.querySelectorAll("tbody .badge.b-danger").length)`); n != "1" {
		t.Errorf("filtered list shows %s danger cases", n)
	}
	j.shot("cases-filtered")
	j.do("back", chromedp.Navigate(base+caseURL), chromedp.WaitVisible(chromedp.CSS("#stage-now")))

	// A communication outside the allowed hours is recorded and flagged.
	j.do("communication",
		chromedp.SetValue(chromedp.CSS("#f-occurred-at"), time.Now().AddDate(0, 0, -1).Format("2006-01-02")+"T22:30"),
		chromedp.SetValue(chromedp.CSS("#f-channel"), "phone"),
		chromedp.SetValue(chromedp.CSS("#f-summary"), "电话催收，对方称资金紧张，承诺月底前支付一半。"),
		chromedp.SetValue(chromedp.CSS("#f-promise-amount"), "6000"),
		chromedp.Click(chromedp.CSS("#comm-submit")), chromedp.WaitVisible(chromedp.CSS("ol.timeline .flag")))
	j.do("stage", chromedp.SetValue(chromedp.CSS("#f-stage-change"), "lawyer_letter"), clickNav("#stage-submit"))
	if s := j.text("#stage-now"); s != "律师函" {
		t.Errorf("stage shows %q after the change", s)
	}

	// Upload three files at once; each gets its own progress bar.
	hasEvidence, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector("#up-files")`))
	if !hasEvidence {
		t.Fatal("no upload form: the evidence vault is not wired into the pages")
	}
	j.do("choose kind", chromedp.SetValue(chromedp.CSS("#up-kind"), "letter"),
		chromedp.SetValue(chromedp.CSS("#up-transcript"), "催收员：您好，关于 HT-2026-0042 合同的货款……\n对方：这个月底前先付一半。"))
	j.do("upload", chromedp.SetUploadFiles(chromedp.CSS("#up-files"), testFiles(t)),
		poll(`document.querySelector("[data-upload]").getAttribute("data-finished") !== ""`+
			` && document.querySelectorAll("#uploads li").length === 3`))
	states := j.eval(`Array.from(document.querySelectorAll("#uploads li")).map(li => li.getAttribute("data-state") + ":" + li.querySelector("progress").value).join(",")`)
	j.shot("uploaded")
	if states != "done:100,done:100,done:100" {
		t.Fatalf("upload states %q", states)
	}
	j.do("evidence table", chromedp.Navigate(base+caseURL+"#evidence"), chromedp.WaitVisible(chromedp.CSS("#evidence-table")))
	if n := j.eval(`String(document.querySelectorAll("#evidence-table tbody a").length)`); n != "3" {
		t.Fatalf("evidence table lists %s items, want 3", n)
	}
	j.shot("case-with-evidence")
	// A file whose SHA-256 a preservation certificate gives: refused when
	// the bytes differ (the row says why), stored when they match.
	certified := filepath.Join(t.TempDir(), "存证截图.png")
	shot, _ := os.ReadFile("../extract/testdata/ocr.png")
	shot = append(shot, "存证编号 CZ-2026-0301"...)
	if err := os.WriteFile(certified, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(shot)
	digest := hex.EncodeToString(sum[:])
	lastRow := `(() => { const l = document.querySelectorAll("#uploads li"); const li = l[l.length - 1];` +
		` return li.getAttribute("data-state") + " " + li.textContent; })()`
	for i, declared := range []string{strings.Repeat("0f", 32), strings.ToUpper(digest)} {
		j.do("declared sha256", chromedp.SetValue(chromedp.CSS("#up-sha256"), declared),
			chromedp.SetUploadFiles(chromedp.CSS("#up-files"), []string{certified}),
			poll(`document.querySelector("[data-upload]").getAttribute("data-finished") !== ""`+
				` && document.querySelectorAll("#uploads li").length === `+fmt.Sprint(i+1)))
		row := j.eval(lastRow)
		// The row says why in words; the status number (422) means
		// nothing to the lawyer reading it.
		if i == 0 && (!strings.HasPrefix(row, "failed") || strings.Contains(row, "(422") || !strings.Contains(row, digest)) {
			t.Errorf("upload with a wrong SHA-256: row %q, want it refused naming the digest received, without the status number", row)
		}
		if i == 1 && !strings.HasPrefix(row, "done") {
			t.Errorf("upload with the right SHA-256: row %q", row)
		}
		if v := j.eval(`document.querySelector("#up-sha256").value`); v != "" {
			t.Errorf("the SHA-256 field still holds %q after its upload", v)
		}
	}
	j.shot("upload-declared-sha256")

	// A demand letter proven served, in the pages alone: the courier's
	// receipt goes up with the day it was signed for (typed in the server's
	// zone, Asia/Shanghai, whatever the browser's), its source and a
	// description saying so; the letter is recorded citing it, and the
	// timeline counts the demand.
	receipt := filepath.Join(t.TempDir(), "EMS签收记录.png")
	if err := os.WriteFile(receipt, append(shot, "EMS1234567890CN"...), 0o644); err != nil {
		t.Fatal(err)
	}
	signedAt := time.Now().AddDate(0, 0, -10).Format("2006-01-02") + "T09:40"
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "America/New_York"}); err != nil {
		t.Fatalf("time zone override: %v", err)
	}
	j.do("receipt", chromedp.Navigate(base+caseURL), chromedp.WaitVisible(chromedp.CSS("#up-description")),
		chromedp.SetValue(chromedp.CSS("#up-kind"), "other"),
		chromedp.SetValue(chromedp.CSS("#up-occurred-at"), signedAt),
		chromedp.SetValue(chromedp.CSS("#up-source"), "中国邮政 EMS 官网查询"),
		chromedp.SetValue(chromedp.CSS("#up-description"), "催告函 EMS1234567890CN 已由债务人签收"),
		chromedp.SetUploadFiles(chromedp.CSS("#up-files"), []string{receipt}),
		poll(`document.querySelector("[data-upload]").getAttribute("data-finished") !== ""`+
			` && document.querySelectorAll("#uploads li").length === 1`))
	if row := j.eval(lastRow); !strings.HasPrefix(row, "done") {
		t.Fatalf("receipt upload: row %q", row)
	}
	if v := j.eval(`document.querySelector("#up-description").value + document.querySelector("#up-occurred-at").value`); v != "" {
		t.Errorf("the batch's description and date still there after it was stored: %q", v)
	}
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: ""}); err != nil {
		t.Fatalf("time zone override: %v", err)
	}
	j.do("case with receipt", chromedp.Navigate(base+caseURL), chromedp.WaitVisible(chromedp.CSS("#f-evidence-ids")))
	receiptHref := j.eval(`Array.from(document.querySelectorAll("#evidence-table a")).find(a => a.textContent === "EMS签收记录.png").getAttribute("href")`)
	receiptID := strings.TrimPrefix(receiptHref, "/evidence/")
	j.do("cite receipt",
		chromedp.SetValue(chromedp.CSS("#f-occurred-at"), time.Now().AddDate(0, 0, -11).Format("2006-01-02")+"T10:00"),
		chromedp.SetValue(chromedp.CSS("#f-channel"), "letter"),
		chromedp.SetValue(chromedp.CSS("#f-interruption"), "demand"),
		chromedp.SetValue(chromedp.CSS("#f-summary"), "寄送律师催告函（EMS1234567890CN）"),
		chromedp.Click(chromedp.CSS("#f-cite-"+receiptID)),
		clickNav("#comm-submit"), chromedp.WaitVisible(chromedp.CSS("#communications")))
	j.shot("demand-served")
	letterItem := `Array.from(document.querySelectorAll("ol.timeline > li")).find(li => li.textContent.includes("EMS1234567890CN"))`
	if s := j.eval(`(` + letterItem + `.querySelector('[id$="-limit"]') || {textContent: "none"}).textContent`); !strings.Contains(s, "已证明送达") || !strings.Contains(s, "计入诉讼时效中断") {
		t.Errorf("the served letter's limitation effect reads %q", s)
	}
	if n := j.eval(`String(` + letterItem + `.querySelectorAll('[id$="-evidence"] a[href="` + receiptHref + `"]').length)`); n != "1" {
		t.Errorf("the letter's entry links the receipt %s times", n)
	}
	j.do("receipt page", chromedp.Navigate(base+receiptHref), chromedp.WaitVisible(chromedp.CSS("#sha")))
	made := j.eval(`Array.from(document.querySelectorAll("dl.facts dt")).find(dt => dt.textContent === "形成时间").nextElementSibling.textContent`)
	if want := strings.Replace(signedAt, "T", " ", 1); made != want {
		t.Errorf("receipt made on %q, want %q as typed in the server's zone", made, want)
	}
	j.do("back to the evidence", chromedp.Navigate(base+caseURL+"#evidence"), chromedp.WaitVisible(chromedp.CSS("#evidence-table")))
	// The recording plays in an audio element with its transcript; the
	// scan shows inline.
	hrefs := map[string]string{}
	for _, name := range []string{"电话录音.wav", "对账单扫描.png"} {
		hrefs[name] = j.eval(`Array.from(document.querySelectorAll("#evidence-table a")).find(a => a.textContent === "` + name + `").getAttribute("href")`)
	}
	j.do("open recording", chromedp.Navigate(base+hrefs["电话录音.wav"]), chromedp.WaitVisible(chromedp.CSS(".transcript")))
	if ok := j.eval(`String(!!document.querySelector(".preview audio[controls]"))`); ok != "true" {
		t.Error("recording has no audio player")
	}
	j.shot("evidence-recording")
	j.do("open scan", chromedp.Navigate(base+hrefs["对账单扫描.png"]), chromedp.WaitVisible(chromedp.CSS(".preview img")))
	// A new version keeps the old one.
	v2 := filepath.Join(t.TempDir(), "对账单扫描-修订.png")
	scan, _ := os.ReadFile("../extract/testdata/ocr.png")
	if err := os.WriteFile(v2, append(scan, "revised"...), 0o644); err != nil {
		t.Fatal(err)
	}
	// With a SHA-256 that is not the file's, the version is refused and
	// the page says so; with the right one it is stored.
	j.do("new version, wrong SHA-256", chromedp.SetValue(chromedp.CSS("#ver-sha256"), digest),
		chromedp.SetUploadFiles(chromedp.CSS("#ver-file"), []string{v2}),
		poll(`document.querySelector("#ver-status").textContent !== ""`))
	if st := j.text("#ver-status"); !strings.HasPrefix(st, "失败：") || strings.Contains(st, "(422") || !strings.Contains(st, "SHA-256") {
		t.Errorf("version with a wrong SHA-256: status %q", st)
	}
	v2sum := sha256.Sum256(append(scan, "revised"...))
	j.do("new version", chromedp.SetValue(chromedp.CSS("#ver-sha256"), hex.EncodeToString(v2sum[:])),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.WaitEvent(page.LoadEventFired, func(page.EventLoadEventFired) bool { return true },
				chromedp.SetUploadFiles(chromedp.CSS("#ver-file"), []string{v2}))(ctx, tg)
			return err
		}), chromedp.WaitVisible(chromedp.CSS(".preview img")))
	if n := j.eval(`String(document.querySelectorAll("section[aria-labelledby=h-versions] tbody tr").length)`); n != "2" {
		t.Errorf("versions listed after a new one: %s", n)
	}
	j.shot("evidence-image")
	if ok := j.eval(`String(document.querySelector(".preview img").naturalWidth > 0)`); ok != "true" {
		t.Error("image evidence preview did not load")
	}
	j.do("back to case", chromedp.Navigate(base+caseURL))

	// Search for words of the PDF letter, open the hit.
	if hasSearch := j.eval(`String(!!document.querySelector('a[href="/search"]'))`); hasSearch == "true" {
		j.waitFor(base+"/search?q="+"拖欠货款", `document.querySelectorAll(".hit-link").length > 0`, 60)
		if html := j.eval(`document.querySelector(".snip").innerHTML`); !strings.Contains(html, "<mark>") {
			t.Errorf("snippet without highlight: %s", html)
		}
		j.shot("search")
		j.do("open hit", chromedp.Click(chromedp.CSS(".hit-link")), chromedp.WaitVisible(chromedp.CSS("#sha")))
		time.Sleep(1500 * time.Millisecond) // let the PDF viewer draw the page
		j.shot("evidence-pdf")
		j.do("verify", chromedp.Click(chromedp.CSS("#verify")), chromedp.WaitVisible(chromedp.CSS("#verify-result")))
		if r := j.text("#verify-result"); !strings.Contains(r, "校验通过") {
			t.Errorf("verify says %q", r)
		}
		j.do("hold", chromedp.SendKeys(chromedp.CSS("#f-reason"), "诉讼保全"), chromedp.Click(chromedp.CSS("#hold-set")), chromedp.WaitVisible(chromedp.CSS("#hold-release")))
		j.shot("evidence-verified-hold")
	} else {
		t.Log("search page not wired: skipped the search step")
	}

	// Generate a lawyer's letter: the empty required fields are named first.
	if hasDocs := j.eval(`String(!!document.querySelector("#documents-link"))`); hasDocs != "true" {
		j.do("case", chromedp.Navigate(base+caseURL))
	}
	if hasDocs := j.eval(`String(!!document.querySelector("#documents-link"))`); hasDocs == "true" {
		j.do("documents", chromedp.Click(chromedp.CSS("#documents-link")), chromedp.WaitVisible(chromedp.CSS("#document-form")))
		if v := j.eval(`document.querySelector("#doc-debtor_name").value`); v != "杭州恒远机械有限公司" {
			t.Errorf("debtor not pre-filled from the case: %q", v)
		}
		j.do("generate empty", chromedp.Click(chromedp.CSS("#generate")), chromedp.WaitVisible(chromedp.CSS("#doc-firm_name-err")))
		j.shot("document-errors")
		j.do("fill letter",
			chromedp.SetValue(chromedp.CSS("#doc-firm_name"), "浙江明理律师事务所"),
			chromedp.SetValue(chromedp.CSS("#doc-ref_no"), "（2026）明律函字第 42 号"),
			chromedp.SetValue(chromedp.CSS("#doc-contract_date"), "2026-01-10"),
			chromedp.SetValue(chromedp.CSS("#doc-bank"), "中国工商银行上海张江支行"),
			chromedp.SetValue(chromedp.CSS("#doc-account_no"), "1001 2345 6789 0123 456"),
			chromedp.SetValue(chromedp.CSS("#doc-lawyer_name"), "王明"),
			chromedp.SetValue(chromedp.CSS("#doc-licence_no"), "13301201510123456"),
			chromedp.Click(chromedp.CSS("#generate")), chromedp.WaitVisible(chromedp.CSS("#document-download")))
		j.shot("document-generated")
		ct, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.querySelector("#preview iframe").src).then(r => r.status + " " + r.headers.get("content-type"))`, chromedp.EvalAwaitPromise))
		if err != nil || ct != "200 application/pdf" {
			t.Errorf("preview frame answers %q, %v", ct, err)
		}
		if v := j.eval(`document.querySelector("#doc-firm_name").value`); v != "浙江明理律师事务所" {
			t.Errorf("the next letter does not start from the last one's values: %q", v)
		}
	} else {
		t.Log("documents not wired: skipped the lawyer's letter")
	}

	// A payment and an installment plan already in default, then the
	// dashboard that counts them.
	day := func(n int) string { return time.Now().AddDate(0, 0, n).Format("2006-01-02") }
	j.do("payment", chromedp.Navigate(base+caseURL), chromedp.WaitVisible(chromedp.CSS("#payment-form")),
		chromedp.SetValue(chromedp.CSS("#f-pay-amount"), "2000.00"), chromedp.SetValue(chromedp.CSS("#f-pay-reference"), "FLOW-0042"),
		clickNav("#payment-submit"))
	j.do("plan", chromedp.WaitVisible(chromedp.CSS("#plan-form")),
		chromedp.SetValue(chromedp.CSS("#f-plan-total"), "9000.00"), chromedp.SetValue(chromedp.CSS("#f-plan-installments"), "3"),
		chromedp.SetValue(chromedp.CSS("#f-plan-agreed-on"), day(-70)), chromedp.SetValue(chromedp.CSS("#f-plan-first-due-date"), day(-60)),
		clickNav("#plan-submit"), chromedp.WaitVisible(chromedp.CSS(".badge.s-missed")))
	// The letter served ten days ago is a written demand after the default,
	// left unpaid for the 7 days DOSSIER_DEMAND_DAYS gives: the whole
	// balance is due.
	if ok := j.eval(`String(document.querySelector(".plan h3").textContent.includes("全部剩余款项已到期"))`); ok != "true" {
		t.Errorf("a plan in default after a served demand letter is not accelerated: %q", j.text(".plan h3"))
	}
	if n := j.eval(`String(document.querySelectorAll("#payments-table tbody tr").length)`); n != "1" {
		t.Errorf("ledger shows %s rows, want 1", n)
	}
	j.shot("case-recovery")
	j.do("dashboard", clickNav(`nav a[href="/dashboard"]`), chromedp.WaitVisible(chromedp.CSS("#by-bucket")))
	if n := j.text("#defaulted-plans"); n != "1" {
		t.Errorf("dashboard counts %q defaulted plans", n)
	}
	j.shot("dashboard")

	// The case page on a tablet, and in English.
	j.do("tablet", chromedp.EmulateViewport(820, 1180), chromedp.Navigate(base+caseURL), chromedp.WaitVisible(chromedp.CSS("#stage-now")))
	j.shot("case-tablet")
	j.do("desktop", chromedp.EmulateViewport(1280, 900))
	j.do("english", clickNav(`form[action="/lang"] button`))
	if s := j.text("#stage-now"); s != "Lawyer's letter" {
		t.Errorf("English page shows stage %q", s)
	}
	j.shot("case-english")
	j.do("chinese", clickNav(`form[action="/lang"] button`))

	// Administration and, where wired, the audit trail.
	j.do("admin", chromedp.Navigate(base+"/admin"), chromedp.WaitVisible(chromedp.CSS("#create-user")))
	j.do("create firm user", chromedp.SetValue(chromedp.CSS("#f-username"), "mingli-law"),
		chromedp.SetValue(chromedp.CSS("#f-display-name"), "明理律所 王明"), chromedp.SetValue(chromedp.CSS("#f-role"), "external"),
		chromedp.SetValue(chromedp.CSS("#f-password"), "a long enough password"), clickNav("#create-user"))
	j.do("grant", chromedp.SetValue(chromedp.CSS("#f-access"), "read"), clickNav("#grant-submit"))
	j.shot("admin")
	if hasAudit := j.eval(`String(!!document.querySelector('a[href="/audit"]'))`); hasAudit == "true" {
		j.do("audit", chromedp.Navigate(base+"/audit/verify"), chromedp.WaitVisible(chromedp.CSS("#audit-verify")))
		if v := j.text("#audit-verify"); !strings.Contains(v, "✔") {
			t.Errorf("audit chain: %q", v)
		}
		j.shot("audit")
	} else {
		t.Log("audit trail not wired: no audit page")
	}

	// Build a bundle of everything, in a chosen order, with purposes.
	j.do("case", chromedp.Navigate(base+caseURL))
	if hasBundles := j.eval(`String(!!document.querySelector("#bundles-link"))`); hasBundles != "true" {
		t.Log("bundles not wired: the journey ends before the bundle")
		return
	}
	j.do("bundles", chromedp.Click(chromedp.CSS("#bundles-link")), chromedp.WaitVisible(chromedp.CSS("#bundle-form")))
	// Everything goes in, the Chromium-printed PDF too (pdfcpu cannot stamp
	// over its font: the bundle gives it a description page instead).
	j.do("pick", evalTrue(`(() => {
		const rows = document.querySelectorAll("#pick-table tbody tr");
		rows.forEach((tr, i) => {
			tr.querySelector("input[type=checkbox]").checked = true;
			tr.querySelector("textarea").value = "证明事实 " + (i + 1);
		});
		return true;
	})()`))
	// Reverse the order with the ↑ buttons (plain buttons, so keyboard
	// users have them too): the generated letter becomes exhibit 1.
	j.do("reorder", evalTrue(`(() => {
		const n = document.querySelectorAll("#pick-table tbody tr").length;
		for (let i = 0; i < n - 1; i++) {
			const rs = document.querySelectorAll("#pick-table tbody tr");
			rs[rs.length - 1 - i].querySelector('button[data-move="up"]').click();
		}
		return true;
	})()`))
	j.shot("bundle-builder")
	j.do("create bundle", clickNav("#bundle-create"))
	if ok := j.eval(`String(!!document.querySelector("#bundle-download"))`); ok != "true" {
		j.shot("bundle-failed")
		t.Fatalf("bundle not created: %s", j.text("main"))
	}
	j.shot("bundle")

	// The page's own "下载 ZIP": the whole archive, every file matching its
	// SHA256SUMS (a wrong Content-Length once cut it short).
	j.do("download from the page", chromedp.Click(chromedp.CSS("#bundle-download")))
	pagePath := waitDownload(t, downloads, 60*time.Second)
	pz, err := zip.OpenReader(pagePath)
	if err != nil {
		t.Fatalf("the page's bundle download is not a ZIP: %v", err)
	}
	if n := checkSums(t, &pz.Reader); n < 4 {
		t.Errorf("the page's bundle download: SHA256SUMS checked %d files", n)
	}
	pz.Close()
	if err := os.Remove(pagePath); err != nil {
		t.Fatal(err)
	}

	// A share link, then sign out and download through it.
	j.do("share", chromedp.SetValue(chromedp.CSS("#f-max-downloads"), "3"), chromedp.SetValue(chromedp.CSS("#f-note"), "外部律所 王律师"),
		chromedp.Click(chromedp.CSS("#share-create")), chromedp.WaitVisible(chromedp.CSS("#share-url")))
	shareURL := j.eval(`document.querySelector("#share-url").value`)
	bundleURL := j.eval(`location.pathname`)
	j.shot("share-created")
	j.do("sign out", chromedp.Click(chromedp.CSS("#logout")), chromedp.WaitVisible(chromedp.CSS("#f-username")))
	j.do("landing", chromedp.Navigate(shareURL))
	j.shot("share-landing")
	j.do("download", chromedp.Click(chromedp.CSS("a[href$='/download']")))
	zipPath := waitDownload(t, downloads, 60*time.Second)
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatalf("downloaded bundle is not a ZIP: %v", err)
	}
	defer zr.Close()
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	for _, want := range []string{"00-evidence-list.pdf", "manifest.json", "SHA256SUMS"} {
		if !names[want] {
			t.Errorf("bundle ZIP lacks %s (has %v)", want, names)
		}
	}

	// Back in, counsel sees the download in the link's log.
	j.do("login page", chromedp.Navigate(base+"/login?next="+bundleURL), chromedp.WaitVisible(chromedp.CSS("#f-username")))
	j.do("sign in again", chromedp.SendKeys(chromedp.CSS("#f-username"), "admin"), chromedp.SendKeys(chromedp.CSS("#f-password"), adminPassword),
		clickNav("#login-submit"))
	j.do("bundle page", chromedp.WaitVisible(chromedp.CSS("#shares-table")))
	if got := j.text("#shares-table tbody tr td:nth-child(3)"); got != "1 / 3" {
		t.Errorf("share downloads shown as %q, want 1 / 3", got)
	}
	j.shot("share-download-log")
}
