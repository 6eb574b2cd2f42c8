package render

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
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
