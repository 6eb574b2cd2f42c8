package render

import (
	"bytes"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func sampleDoc(t testing.TB, f *Font) []byte {
	d := f.NewDoc(DocOptions{Title: "测试", PagePattern: "第 {current} 页 共 {total} 页",
		Created: time.Date(2026, 7, 20, 9, 0, 0, 0, time.UTC)})
	d.Letterhead("北京某某律师事务所", "地址：北京市朝阳区建国路1号 电话：010-12345678")
	d.Title("律师函")
	d.Heading("一、事实")
	para := "贵司与我方委托人于2025年3月1日签订《设备买卖合同》（合同编号：HT-2025-001），约定货款人民币386,500.00元。" +
		"委托人已依约交付全部货物，贵司至今未付款，已逾期120日。This English sentence must keep its words whole across lines, including supercalifragilistic words."
	d.Para(strings.Repeat(para, 3), "　　")
	d.Table([]Column{{Header: "期数", Width: 15}, {Header: "还款日期", Width: 30}, {Header: "还款金额", Width: 27, Right: true}, {Header: "剩余金额", Width: 28, Right: true}},
		[][]string{{"1", "2026年1月31日", "¥100,000.00", "¥286,500.00"}, {"2", "2026年2月28日", "¥286,500.00", "¥0.00"}})
	d.Signatures([]string{"甲方（盖章）：", "日期："}, []string{"乙方（盖章）：", "日期："})
	pdf, _, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

func TestDocRendersChinese(t *testing.T) {
	f, err := LoadFont()
	if err != nil {
		t.Fatal(err)
	}
	pdf := sampleDoc(t, f)
	dir := t.TempDir()
	p := filepath.Join(dir, "a.pdf")
	os.WriteFile(p, pdf, 0o644)
	out, err := exec.Command("pdftotext", "-layout", p, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	// pdftotext drops the spaces between CJK characters and digits, so
	// compare without any whitespace.
	txt := strings.Join(strings.Fields(string(out)), "")
	for _, want := range []string{"律师函", "HT-2025-001", "386,500.00", "期数", "剩余金额", "第1页共1页", "supercalifragilistic"} {
		if !strings.Contains(txt, want) {
			t.Errorf("pdftotext lacks %q:\n%s", want, txt)
		}
	}
	if os.Getenv("RENDER_KEEP") != "" {
		os.WriteFile(os.Getenv("RENDER_KEEP"), pdf, 0o644)
	}
	if again := sampleDoc(t, f); !bytes.Equal(pdf, again) {
		t.Error("same input gave different bytes")
	}
}

func BenchmarkSampleDoc(b *testing.B) {
	f, err := LoadFont()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		sampleDoc(b, f)
	}
}

func BenchmarkLoadFont(b *testing.B) {
	for b.Loop() {
		if _, err := LoadFont(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPagination lays out seeded random mixes of every block until some
// page ends within float rounding of full — where the backend once broke a
// page that maroto still counted as open, so a line and the footer spilled
// onto an extra page — and checks that the PDF has as many pages as its
// footers say, each with its own number.
func TestPagination(t *testing.T) {
	f := mustFont(t)
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(1))
	for doc := 0; doc < 40; doc++ {
		d := f.NewDoc(DocOptions{Title: "p", PagePattern: "第 {current} 页 共 {total} 页", Created: time.Unix(0, 0)})
		d.Title("分期还款协议")
		for i := 0; i < 60; i++ {
			switch rng.Intn(6) {
			case 0:
				d.Heading("一、标题")
			case 1:
				d.Para(strings.Repeat("分页测试文字，", 1+rng.Intn(30)), "　　")
			case 2:
				d.Table([]Column{{Header: "甲", Width: 50}, {Header: "乙", Width: 50}}, [][]string{{"1", strings.Repeat("长", 1+rng.Intn(60))}})
			case 3:
				d.Space(5)
			case 4:
				d.Right("2026年7月20日")
			case 5:
				d.Para("短行", "")
			}
		}
		d.Signatures([]string{"甲方（盖章）：", "日期："}, []string{"乙方（盖章）：", "日期："})
		pdf, pages, err := d.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "p.pdf")
		os.WriteFile(p, pdf, 0o644)
		info, _ := exec.Command("pdfinfo", p).Output()
		if !strings.Contains(strings.Join(strings.Fields(string(info)), " "), "Pages: "+strconv.Itoa(pages)) {
			t.Fatalf("doc %d: Bytes says %d pages, pdfinfo:\n%s", doc, pages, info)
		}
		out, _ := exec.Command("pdftotext", p, "-").Output()
		pageTexts := strings.Split(string(out), "\f")
		for i := 1; i <= pages; i++ {
			want := "第" + strconv.Itoa(i) + "页共" + strconv.Itoa(pages) + "页"
			if !strings.Contains(strings.Join(strings.Fields(pageTexts[i-1]), ""), want) {
				t.Fatalf("doc %d: page %d lacks %s", doc, i, want)
			}
		}
	}
}

// TestKeepTogether moves the end of a page across a signature block (right
// lines, then side-by-side signatures) and a kept attachments list with its
// table, one paragraph at a time, and checks that none of them is ever split
// between two pages.
func TestKeepTogether(t *testing.T) {
	f := mustFont(t)
	dir := t.TempDir()
	together := [][2]string{
		{"申请人（盖章）：上海甲公司", "2026年7月20日"},
		{"附：", "增值税专用发票"},
		{"甲方（盖章）：", "乙方签署日期："},
	}
	for n := 18; n <= 42; n++ {
		d := f.NewDoc(DocOptions{Title: "k", PagePattern: "第 {current} 页 共 {total} 页", Created: time.Unix(0, 0)})
		for i := 0; i < n; i++ {
			d.Para("第"+strconv.Itoa(i)+"段：填充文字。", "")
		}
		d.Right("申请人（盖章）：上海甲公司")
		d.Right("法定代表人：王建国")
		d.Right("2026年7月20日")
		d.Space(5)
		d.Keep()
		d.Para("附：", "")
		d.Para("1．本申请书副本一份；", "")
		d.Para("2．申请人营业执照复印件；", "")
		d.Para("3．证据目录及证据材料如下：", "")
		d.Table([]Column{{Header: "序号", Width: 20}, {Header: "证据名称", Width: 80}},
			[][]string{{"1", "设备买卖合同"}, {"2", "送货单及验收单"}, {"3", "增值税专用发票"}})
		d.EndKeep()
		// Enough more text that the sweep also moves the page end across
		// the signatures below.
		for i := 0; i < 24; i++ {
			d.Para("其他文字。", "")
		}
		d.Signatures([]string{"甲方（盖章）：", "法定代表人：", "甲方签署日期："},
			[]string{"乙方（盖章）：", "法定代表人：", "乙方签署日期："})
		pdf, pages, err := d.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "k.pdf")
		os.WriteFile(p, pdf, 0o644)
		out, err := exec.Command("pdftotext", p, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		texts := strings.Split(string(out), "\f")
		pageOf := func(s string) int {
			for i, txt := range texts {
				if strings.Contains(strings.Join(strings.Fields(txt), ""), s) {
					return i + 1
				}
			}
			return 0
		}
		for _, pair := range together {
			first, last := pageOf(pair[0]), pageOf(pair[1])
			if first == 0 || first != last || first > pages {
				t.Errorf("%d paragraphs: %q on page %d, %q on page %d (of %d)", n, pair[0], first, pair[1], last, pages)
			}
		}
	}
}
