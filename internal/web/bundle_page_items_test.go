package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestBundlePageItemPages: the bundle page says where each exhibit is in
// the merged PDF as a lawyer writes it: a one-page exhibit "2", not "2–2";
// one that has no pages of its own (a recording) its description page, not
// "—" as if it were missing from the PDF; and a generated document by its
// name in the ZIP (律师函.pdf), not its template ID (lawyer_letter.pdf).
func TestBundlePageItemPages(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0730", "")
	b := e.client()
	b.login("admin")
	generateLetter(t, b, c.ID)
	text := uploaded(t, b, c.ID, "对账单.txt", "statement", []byte("2026-03-01 对账单：欠款 386,500.00 元\n"))
	call := uploaded(t, b, c.ID, "电话录音.wav", "recording", wav(8000))
	doc := regexp.MustCompile(`value="(d:[^"]+)"`).FindStringSubmatch(b.get("/cases/" + c.ID + "/bundles").Body)
	if doc == nil {
		t.Fatal("the bundle builder offers no generated document")
	}
	bf := url.Values{"csrf": {b.csrf("/cases/" + c.ID + "/bundles")}, "title": {"一审证据"}}
	for _, ref := range []string{"e:" + text, "e:" + call, doc[1]} {
		bf.Add("pick", ref)
		bf.Set("purpose."+ref, "证明欠款")
	}
	r := b.post("/cases/"+c.ID+"/bundles", bf)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create bundle: %d %s", r.Status, r.Body)
	}
	page := b.get(strings.Split(r.Header.Get("Location"), "?")[0])
	if page.Status != http.StatusOK {
		t.Fatalf("bundle page: %d", page.Status)
	}
	rows := regexp.MustCompile(`(?s)<tbody><tr>.*?</tbody>`).FindString(page.Body)
	cells := regexp.MustCompile(`(?s)<tr>(.*?)</tr>`).FindAllStringSubmatch(rows, -1)
	if len(cells) != 3 {
		t.Fatalf("bundle page lists %d exhibits:\n%s", len(cells), rows)
	}
	pages := func(row string) string {
		m := regexp.MustCompile(`(?s)<td class="num">(.*?)</td>`).FindStringSubmatch(row)
		if m == nil {
			t.Fatalf("no pages cell in %s", row)
		}
		return m[1]
	}
	if got := pages(cells[0][1]); got != "1" {
		t.Errorf("one-page text exhibit: pages %q, want \"1\"", got)
	}
	if got := pages(cells[1][1]); !strings.HasPrefix(got, "2") || !strings.Contains(got, "说明页") {
		t.Errorf("recording: pages %q, want its description page 2, called so", got)
	}
	if strings.Contains(cells[2][1], "lawyer_letter") || !strings.Contains(cells[2][1], "律师函.pdf") {
		t.Errorf("generated document row names its file by the template ID or not at all:\n%s", cells[2][1])
	}
}
