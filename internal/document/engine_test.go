package document

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

var (
	keep   = flag.String("keep", "", "write rendered PDFs and page-1 PNGs into this directory")
	update = flag.Bool("update", false, "rewrite the golden text files in testdata")
)

// normalize keeps a text's non-empty lines with single spaces, so goldens do
// not depend on pdftotext's column padding.
func normalize(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			b.WriteString(strings.Join(f, " "))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

var (
	engineOnce sync.Once
	engine     *Engine
	engineErr  error
)

func mustEngine(tb testing.TB) *Engine {
	tb.Helper()
	engineOnce.Do(func() { engine, engineErr = Load("") })
	if engineErr != nil {
		tb.Fatal(engineErr)
	}
	return engine
}

var now = time.Date(2026, 7, 20, 10, 30, 0, 0, time.UTC)

func testCase() *dossier.Case {
	return &dossier.Case{
		ID: "c1", Number: "AR-2026-017", Title: "设备货款",
		Creditor: dossier.Party{Name: "上海申江机械设备有限公司", Kind: dossier.PartyCompany, IDNumber: "91310000MA1FL0XX3K",
			Address: "上海市浦东新区张江路88号", Representative: "王建国", Phone: "021-55556666"},
		Debtor: dossier.Party{Name: "杭州喆堃贸易有限公司", Kind: dossier.PartyCompany, IDNumber: "91330100MA2B0YYY7Q",
			Address: "浙江省杭州市西湖区文三路100号", Representative: "李明"},
		Principal: 38650000, Interest: 1250050, Currency: "CNY", ContractNo: "HT-2025-0388",
		DueDate: dossier.NewDate(2026, 3, 31),
	}
}

func testEvidence() []*dossier.Evidence {
	at := time.Date(2025, 11, 3, 0, 0, 0, 0, time.UTC)
	return []*dossier.Evidence{
		{ID: "e1", Kind: "contract", Title: "设备买卖合同（HT-2025-0388）", OccurredAt: &at},
		{ID: "e2", Kind: "delivery", Title: "送货单及验收单", Filename: "delivery.pdf"},
		{ID: "e3", Kind: "invoice", Filename: "增值税专用发票.pdf"},
	}
}

// requestFields are what counsel type; everything else comes from the case.
var requestFields = map[string]map[string]string{
	"lawyer_letter": {"firm_name": "北京德衡律师事务所", "firm_address": "北京市朝阳区建国路1号", "ref_no": "(2026)德律函字第017号",
		"contract_date": "2025-11-03", "bank": "中国工商银行上海张江支行", "account_no": "1001 2345 6789 0123 456",
		"lawyer_name": "张三", "licence_no": "11101200910123456", "lawyer_phone": "13800138000"},
	"installment_agreement": {"installments": "6", "first_due_date": "2026-08-31", "bank": "中国工商银行上海张江支行",
		"account_no": "1001 2345 6789 0123 456"},
	"payment_order_application": {"court": "杭州市西湖区人民法院", "contract_date": "2025-11-03",
		"agent_name": "张三", "agent_firm": "北京德衡律师事务所"},
}

// mustContain lists what each rendered document must show, after
// whitespace is removed (pdftotext drops spaces between CJK and digits).
var mustContain = map[string][]string{
	"lawyer_letter.zh-CN": {"北京德衡律师事务所", "律师函", "(2026)德律函字第017号", "杭州喆堃贸易有限公司", "上海申江机械设备有限公司",
		"HT-2025-0388", "2025年11月3日", "¥386,500.00", "叁拾捌万陆仟伍佰元整", "2026年3月31日", "已逾期111日",
		"第五百零九条", "第五百七十七条", "第五百七十九条", "第五百八十五条", "第六百二十六条",
		"¥399,000.50", "叁拾玖万玖仟元零伍角整", "7日内", "1001234567890123456", "张三", "11101200910123456",
		"支付令", "财产保全", "2026年7月20日", "第1页共"},
	"lawyer_letter.en": {"LAWYER'S LETTER", "(2026)德律函字第017号", "杭州喆堃贸易有限公司", "HT-2025-0388", "3November2025",
		"RMB386,500.00", "31March2026", "111daysoverdue", "art.509", "art.577", "art.579", "art.585", "art.626",
		"RMB399,000.50", "within7days", "11101200910123456", "paymentorder", "20July2026", "Page1of"},
	"installment_agreement.zh-CN": {"分期还款协议", "甲方（债权人）：上海申江机械设备有限公司", "乙方（债务人）：杭州喆堃贸易有限公司",
		"¥399,000.50", "叁拾玖万玖仟元零伍角整", "期数", "还款日期", "还款金额", "剩余金额",
		"2026年8月31日", "2026年9月30日", "2027年1月31日", "¥66,500.08", "¥66,500.10", "¥0.00",
		"加速到期", "自收到催告之日起7日内仍未支付的", "全部未付款项视为立即到期", "每日万分之五", "送达地址确认", "争议解决", "甲方住所地有管辖权的人民法院", "甲方（盖章）", "乙方（盖章）"},
	"installment_agreement.en": {"INSTALLMENTREPAYMENTAGREEMENT", "Acknowledgmentofdebt", "RMB399,000.50", "31August2026",
		"30September2026", "66,500.08", "66,500.10", "Acceleration", "within the 7 days following receipt of Party A's written demand", "0.05%perday", "Addressforservice", "Disputeresolution", "PartyA(seal)"},
	"payment_order_application.zh-CN": {"支付令申请书", "申请人：上海申江机械设备有限公司", "被申请人：杭州喆堃贸易有限公司",
		"请求事项：", "事实和理由：", "¥399,000.50", "叁拾玖万玖仟元零伍角整", "此致", "杭州市西湖区人民法院", "附：",
		"设备买卖合同（HT-2025-0388）", "送货单及验收单", "增值税专用发票.pdf", "申请人（盖章）", "2026年7月20日", "第二百二十五条"},
	"payment_order_application.en": {"APPLICATIONFORAPAYMENTORDER", "Applicant:上海申江机械设备有限公司", "Respondent:杭州喆堃贸易有限公司",
		"Claims:", "Factsandreasons:", "RMB399,000.50", "To:", "杭州市西湖区人民法院", "Attachments:", "送货单及验收单", "Applicant(seal)", "20July2026"},
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", p, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestRender(t *testing.T) {
	e := mustEngine(t)
	for _, ti := range e.Templates() {
		name := ti.ID + "." + ti.Lang
		t.Run(name, func(t *testing.T) {
			// DemandDays as DOSSIER_DEMAND_DAYS's default.
			in := Input{Case: testCase(), Evidence: testEvidence(), Fields: requestFields[ti.ID], Now: now, DemandDays: 7}
			res, err := e.Render(ti.ID, ti.Lang, in)
			if err != nil {
				t.Fatal(err)
			}
			txt := pdfText(t, res.PDF)
			flat := strings.Join(strings.Fields(txt), "")
			for _, want := range mustContain[name] {
				if !strings.Contains(flat, strings.Join(strings.Fields(want), "")) {
					t.Errorf("text lacks %q", want)
				}
			}
			if t.Failed() {
				t.Log(txt)
			}
			// The golden file shows reviewers the whole text of each document
			// and catches unintended changes of wording or layout.
			golden := filepath.Join("testdata", name+".golden.txt")
			if *update {
				os.MkdirAll("testdata", 0o755)
				if err := os.WriteFile(golden, []byte(normalize(txt)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if want, err := os.ReadFile(golden); err != nil {
				t.Errorf("no golden file (run go test -update): %v", err)
			} else if got := normalize(txt); got != string(want) {
				t.Errorf("text differs from %s (go test -update to accept):\n%s", golden, got)
			}
			if res.Pages < 1 || !strings.Contains(flat, "共"+strconv.Itoa(res.Pages)+"页") && !strings.Contains(flat, "of"+strconv.Itoa(res.Pages)) {
				t.Errorf("pages = %d, footer does not say so", res.Pages)
			}
			if *keep != "" {
				base := filepath.Join(*keep, name)
				os.WriteFile(base+".pdf", res.PDF, 0o644)
				os.WriteFile(base+".txt", []byte(txt), 0o644)
			}
			// Page 1 must rasterise (pdftoppm is independent of our writer).
			dir := t.TempDir()
			p := filepath.Join(dir, "d.pdf")
			os.WriteFile(p, res.PDF, 0o644)
			out := filepath.Join(dir, "p")
			if b, err := exec.Command("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", p, out).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v %s", err, b)
			}
			// qpdf checks the structure (xref offsets survive the ModDate patch).
			if b, err := exec.Command("qpdf", "--check", p).CombinedOutput(); err != nil {
				t.Errorf("qpdf --check: %v\n%s", err, b)
			}
			png, _ := filepath.Glob(out + "*.png")
			if len(png) != 1 {
				t.Fatalf("pdftoppm wrote %v", png)
			}
			if *keep != "" {
				b, _ := os.ReadFile(png[0])
				os.WriteFile(filepath.Join(*keep, name+".png"), b, 0o644)
			}
		})
	}
}

func TestRenderDeterministic(t *testing.T) {
	e := mustEngine(t)
	in := Input{Case: testCase(), Evidence: testEvidence(), Fields: requestFields["lawyer_letter"], Now: now}
	a, err := e.Render("lawyer_letter", "zh-CN", in)
	if err != nil {
		t.Fatal(err)
	}
	// Re-rendering from the stored fields alone (the case since emptied, its
	// evidence list grown) gives the same bytes, for every template.
	for _, ti := range e.Templates() {
		in := Input{Case: testCase(), Evidence: testEvidence(), Fields: requestFields[ti.ID], Now: now}
		first, err := e.Render(ti.ID, ti.Lang, in)
		if err != nil {
			t.Fatal(err)
		}
		more := append(testEvidence(), &dossier.Evidence{Kind: "letter", Title: "催款函"})
		again, err := e.Render(ti.ID, ti.Lang, Input{Case: &dossier.Case{}, Evidence: more, Fields: first.Fields, Now: now})
		if err != nil {
			t.Fatalf("%s.%s from its record: %v", ti.ID, ti.Lang, err)
		}
		if !bytes.Equal(first.PDF, again.PDF) {
			t.Errorf("%s.%s: the record's fields gave different bytes", ti.ID, ti.Lang)
		}
	}
	if !bytes.Contains(a.PDF, []byte("/CreationDate (D:20260720103000)")) || !bytes.Contains(a.PDF, []byte("/ModDate (D:20260720103000)")) {
		t.Error("creation and modification dates are not the record's")
	}
	later := in
	later.Now = now.Add(24 * time.Hour)
	c, err := e.Render("lawyer_letter", "zh-CN", later)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.PDF, c.PDF) {
		t.Error("a different date gave the same bytes")
	}
}

func TestRenderConcurrent(t *testing.T) {
	e := mustEngine(t)
	in := Input{Case: testCase(), Evidence: testEvidence(), Fields: requestFields["installment_agreement"], Now: now}
	want, err := e.Render("installment_agreement", "zh-CN", in)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := e.Render("installment_agreement", "zh-CN", in)
			if err == nil && !bytes.Equal(got.PDF, want.PDF) {
				err = errors.New("concurrent render differs")
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// TestRenderPerson: a natural person is printed as a person in every
// template and language — ID card number rather than unified social credit
// code, no legal representative, signature and fingerprint rather than a
// seal — while a company party of the same document keeps its own form.
func TestRenderPerson(t *testing.T) {
	e := mustEngine(t)
	personDebtor := func() *dossier.Case {
		c := testCase()
		c.Debtor = dossier.Party{Name: "张三", Kind: dossier.PartyPerson, IDNumber: "330102199001011234",
			Address: "浙江省杭州市西湖区文三路100号", Representative: "李明"}
		return c
	}
	bothPersons := func() *dossier.Case {
		c := personDebtor()
		c.Creditor = dossier.Party{Name: "王五", Kind: dossier.PartyPerson, IDNumber: "31011519800101123X",
			Address: "上海市浦东新区张江路88号", Representative: "王建国"}
		return c
	}
	tests := []struct {
		name, tmpl, lang string
		c                *dossier.Case
		fields           map[string]string
		want, not        []string // spaces removed
	}{
		{"OKOrderDebtor", "payment_order_application", "zh-CN", personDebtor(), nil,
			[]string{"被申请人：张三", "身份证号码：330102199001011234", "统一社会信用代码：91310000MA1FL0XX3K", "申请人（盖章）：上海申江机械设备有限公司",
				"法定代表人：王建国", "营业执照"},
			[]string{"统一社会信用代码：330102199001011234", "法定代表人：李明"}},
		{"OKOrderBoth", "payment_order_application", "zh-CN", bothPersons(), nil,
			[]string{"身份证号码：31011519800101123X", "身份证号码：330102199001011234", "申请人（签字并按手印）：王五", "申请人身份证复印件"},
			[]string{"统一社会信用代码", "法定代表人", "盖章", "营业执照"}},
		{"OKOrderBothEn", "payment_order_application", "en", bothPersons(), nil,
			[]string{"IDcardnumber:31011519800101123X", "IDcardnumber:330102199001011234", "Applicant(signatureandfingerprint):王五",
				"Applicant'sIDcard"},
			[]string{"Unifiedsocialcreditcode", "Legalrepresentative", "(seal)", "businesslicence"}},
		{"OKOrderDebtorEn", "payment_order_application", "en", personDebtor(), nil,
			[]string{"IDcardnumber:330102199001011234", "Unifiedsocialcreditcode:91310000MA1FL0XX3K", "Applicant(seal)"},
			[]string{"Unifiedsocialcreditcode:330102199001011234", "Legalrepresentative:李明"}},
		{"OKAgreementDebtor", "installment_agreement", "zh-CN", personDebtor(), nil,
			[]string{"乙方（债务人）：张三", "身份证号码：330102199001011234", "统一社会信用代码：91310000MA1FL0XX3K",
				"甲方（盖章）：上海申江机械设备有限公司", "乙方（签字并按手印）：张三", "法定代表人或授权代表（签字）："},
			[]string{"乙方（盖章）", "法定代表人：李明", "统一社会信用代码：330102199001011234"}},
		{"OKAgreementBothEn", "installment_agreement", "en", bothPersons(), nil,
			[]string{"IDcardnumber:330102199001011234", "IDcardnumber:31011519800101123X",
				"PartyA(signatureandfingerprint):王五", "PartyB(signatureandfingerprint):张三"},
			[]string{"(seal)", "Legalrepresentative", "Authorisedsignatory", "Registration"}},
		{"OKKindGivenByRequest", "installment_agreement", "zh-CN", testCase(), map[string]string{"debtor_kind": "自然人"},
			[]string{"乙方（签字并按手印）：杭州喆堃"}, []string{"乙方（盖章）"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields := map[string]string{}
			for k, v := range requestFields[tt.tmpl] {
				fields[k] = v
			}
			for k, v := range tt.fields {
				fields[k] = v
			}
			res, err := e.Render(tt.tmpl, tt.lang, Input{Case: tt.c, Evidence: testEvidence(), Fields: fields, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			flat := strings.Join(strings.Fields(pdfText(t, res.PDF)), "")
			for _, w := range tt.want {
				if !strings.Contains(flat, w) {
					t.Errorf("text lacks %q", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(flat, n) {
					t.Errorf("text has %q", n)
				}
			}
			if t.Failed() {
				t.Log(flat)
			}
		})
	}
	t.Run("ErrKind", func(t *testing.T) {
		_, err := e.Render("installment_agreement", "zh-CN", Input{Case: testCase(), Now: now,
			Fields: map[string]string{"installments": "6", "first_due_date": "2026-08-31", "bank": "工行", "account_no": "1", "debtor_kind": "robot"}})
		if got := fieldNames(err); len(got) != 1 || got[0] != "debtor_kind" {
			t.Errorf("fields %v (%v), want [debtor_kind]", got, err)
		}
	})
}
