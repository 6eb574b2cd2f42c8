package web_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The audit table fits the page at desktop width: an upload's detail (a
// 64-digit sha256 with no space in it) pushed the table wider than the
// screen, hiding the hash column, and squeezed the IP address to a few
// characters a line, the time to three lines and the hash to three.
func TestBrowserAuditTableFits(t *testing.T) {
	if testing.Short() {
		t.Skip("starts chromium")
	}
	ctx := newBrowser(t, t.TempDir())
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0710", "")
	b := e.client()
	b.login("admin")
	uploaded(t, b, c.ID, "买卖合同对账单与送货单汇总.txt", "other", []byte(strings.Repeat("对账单 ", 50)))

	j := &journey{t: t, ctx: ctx, base: e.srv.URL, dir: t.TempDir()}
	j.do("sign in", chromedp.Navigate(e.srv.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("#f-username")),
		chromedp.SendKeys(chromedp.CSS("#f-username"), "admin"), chromedp.SendKeys(chromedp.CSS("#f-password"), adminPassword),
		clickNav("#login-submit"))
	j.do("audit", chromedp.Navigate(e.srv.URL+"/audit"), chromedp.WaitVisible(chromedp.CSS("#audit-table")))
	if os.Getenv("DOSSIER_SHOTS") != "" {
		j.dir = os.Getenv("DOSSIER_SHOTS")
		j.shot("audit")
	}
	var width, room int
	got := j.eval(`(() => { const t = document.querySelector("#audit-table");
		return t.scrollWidth + " " + t.parentElement.clientWidth; })()`)
	if _, err := fmt.Sscan(got, &width, &room); err != nil || width > room {
		t.Errorf("the audit table is wider than its box (table, box: %s)", got)
	}
	// Each IP address, time and shortened hash sits on one line.
	lines := j.eval(`Array.from(document.querySelectorAll("#audit-table tbody tr")).map(tr => {
		const r = document.createRange(); r.selectNodeContents(tr.children[6]);
		const s = document.createRange(); s.selectNodeContents(tr.children[1]);
		const h = document.createRange(); h.selectNodeContents(tr.children[8]);
		const n = x => new Set(Array.from(x.getClientRects()).map(q => Math.round(q.top))).size;
		return n(r) + "/" + n(s) + "/" + n(h); }).join(",")`)
	for _, l := range strings.Split(lines, ",") {
		if l != "1/1/1" {
			t.Fatalf("IP/time/hash cells take %s lines (all rows: %s)", l, lines)
		}
	}
}
