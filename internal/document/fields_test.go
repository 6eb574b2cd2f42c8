package document

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

func fieldNames(err error) []string {
	var names []string
	for _, f := range dossier.ErrorFields(err) {
		names = append(names, f.Field)
	}
	return names
}

func TestRenderInvalid(t *testing.T) {
	e := mustEngine(t)
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	letter := requestFields["lawyer_letter"]
	tests := []struct {
		name, tmpl string
		c          *dossier.Case
		fields     map[string]string
		want       []string
	}{
		{"ErrMissingRequest", "lawyer_letter", testCase(), with(letter, "lawyer_name", "", "licence_no", "", "bank", ""),
			[]string{"bank", "lawyer_name", "licence_no"}},
		{"ErrLicence", "lawyer_letter", testCase(), with(letter, "licence_no", "1110120091012345"), []string{"licence_no"}},
		{"ErrLicenceLetters", "lawyer_letter", testCase(), with(letter, "licence_no", "1110120091012345X"), []string{"licence_no"}},
		{"ErrEveryBadField", "lawyer_letter", testCase(),
			with(letter, "contract_date", "2025-13-01", "deadline_days", "0", "principal", "-5", "total", "1e6", "colour", "red"),
			[]string{"colour", "contract_date", "deadline_days", "principal", "total"}},
		{"ErrMissingFromCase", "lawyer_letter", &dossier.Case{Debtor: dossier.Party{Name: "某公司"}}, letter,
			[]string{"client_name", "contract_no", "days_overdue", "due_date", "principal", "total", "account_name"}},
		{"ErrInstallments", "installment_agreement", testCase(), with(requestFields["installment_agreement"], "installments", "121"),
			[]string{"installments"}},
		{"ErrScheduleTooSmall", "installment_agreement", testCase(),
			with(requestFields["installment_agreement"], "installments", "6", "debt_total", "0.05"), []string{"installments"}},
		{"ErrUnprintable", "lawyer_letter", testCase(), with(letter, "debtor_name", "李䶮科技有限公司"), []string{"debtor_name"}},
		{"ErrEvidenceList", "payment_order_application", testCase(),
			with(requestFields["payment_order_application"], "evidence_list", `[{"kind":"contract"}]`), []string{"evidence_list"}},
		{"ErrEvidenceListOnLetter", "lawyer_letter", testCase(), with(letter, "evidence_list", `[]`), []string{"evidence_list"}},
		{"ErrCourt", "payment_order_application", testCase(), with(requestFields["payment_order_application"], "court", ""),
			[]string{"court"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.Render(tt.tmpl, "zh-CN", Input{Case: tt.c, Fields: tt.fields, Now: now})
			if code := dossier.ErrorCode(err); code != dossier.EINVALID {
				t.Fatalf("code = %q (%v), want invalid", code, err)
			}
			got := fieldNames(err)
			want := append([]string(nil), tt.want...)
			sortStrings(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("fields = %v, want %v (%v)", got, want, err)
			}
		})
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, c := range [][2]string{{"lawyer_letter", "fr"}, {"divorce_petition", "zh-CN"}} {
			_, err := e.Render(c[0], c[1], Input{Case: testCase(), Now: now})
			if dossier.ErrorCode(err) != dossier.ENOTFOUND {
				t.Errorf("%v: %v, want not_found", c, err)
			}
		}
	})
	t.Run("OKDatedInChina", func(t *testing.T) {
		late := time.Date(2026, 7, 19, 17, 30, 0, 0, time.UTC) // 01:30 on 20 July in Beijing
		res, err := e.Render("lawyer_letter", "zh-CN", Input{Case: testCase(), Fields: letter, Now: late})
		if err != nil {
			t.Fatal(err)
		}
		if res.Fields["days_overdue"] != "111" || !strings.Contains(pdfText(t, res.PDF), "2026年7月20日") {
			t.Errorf("not dated 20 July in China: %v", res.Fields["days_overdue"])
		}
	})
	t.Run("OKDefaultsFromCase", func(t *testing.T) {
		res, err := e.Render("lawyer_letter", "en", Input{Case: testCase(), Fields: letter, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"principal": "386500.00", "total": "399000.50", "due_date": "2026-03-31",
			"days_overdue": "111", "deadline_days": "7", "debtor_name": "杭州喆堃贸易有限公司", "contract_name": "Sales Contract"}
		for k, v := range want {
			if res.Fields[k] != v {
				t.Errorf("Fields[%s] = %q, want %q", k, res.Fields[k], v)
			}
		}
	})
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestTemplates(t *testing.T) {
	e := mustEngine(t)
	got := map[string]bool{}
	for _, ti := range e.Templates() {
		got[ti.ID+"."+ti.Lang] = true
		if ti.Title == "" || len(ti.Fields) == 0 {
			t.Errorf("%s.%s: empty title or fields", ti.ID, ti.Lang)
		}
	}
	for _, id := range []string{"lawyer_letter", "installment_agreement", "payment_order_application"} {
		for _, lang := range Languages {
			if !got[id+"."+lang] {
				t.Errorf("template %s.%s missing", id, lang)
			}
		}
	}
}

func TestLoadOverride(t *testing.T) {
	good := "title 测试函\nfooter 第 {current} 页 共 {total} 页\nfield who | text | required | case.debtor.name | 收函人 | Addressee\nheading 测试函\npara 致{who}。\n"
	t.Run("OK", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "lawyer_letter.zh-CN.tmpl"), []byte(good), 0o644)
		e, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		tm, _ := e.Template("lawyer_letter", "zh-CN")
		if tm.Title != "测试函" {
			t.Errorf("override not used: %q", tm.Title)
		}
		if _, err := e.Template("lawyer_letter", "en"); err != nil {
			t.Errorf("embedded en template lost: %v", err)
		}
		res, err := e.Render("lawyer_letter", "zh-CN", Input{Case: testCase(), Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if txt := pdfText(t, res.PDF); !strings.Contains(txt, "致杭州喆堃贸易有限公司") {
			t.Errorf("override text missing:\n%s", txt)
		}
	})
	bad := []struct{ name, file, body, want string }{
		{"ErrDirective", "x.en.tmpl", good + "bogus line\n", "x.en.tmpl:6: unknown directive"},
		{"ErrPlaceholder", "x.en.tmpl", good + "para {nobody}\n", "x.en.tmpl:6: placeholder {nobody}"},
		{"ErrFieldParts", "x.en.tmpl", "title t\nfield a | text\n", "x.en.tmpl:2: field needs 6 parts"},
		{"ErrType", "x.en.tmpl", "title t\nfield a | float | required | - | 甲 | A\n", "x.en.tmpl:2: unknown type"},
		{"ErrSource", "x.en.tmpl", "title t\nfield a | text | required | case.salary | 甲 | A\n", "x.en.tmpl:2: unknown case source"},
		{"ErrDuplicate", "x.en.tmpl", "title t\nfield a | text | required | - | 甲 | A\nfield a | text | required | - | 甲 | A\n", "x.en.tmpl:3: field \"a\" declared twice"},
		{"ErrTableFields", "x.en.tmpl", "title t\nfooter {current}/{total}\ntable schedule | a | b\n", "x.en.tmpl:3: table schedule needs field"},
		{"ErrFooter", "x.en.tmpl", "title t\nfooter page\n", "x.en.tmpl:2: footer must contain"},
		{"ErrFileName", "letter.tmpl", good, "letter.tmpl:1: template files are named"},
		{"ErrEmpty", "x.en.tmpl", "title t\nfooter {current}/{total}\n", "x.en.tmpl:2: template has no body"},
		{"ErrCondField", "x.en.tmpl", good + "[kind=person] para {who}\n", "x.en.tmpl:6: condition on \"kind\", which is not a field declared"},
		{"ErrCondSyntax", "x.en.tmpl", good + "[who] para {who}\n", "x.en.tmpl:6: a condition is written [name=value]"},
		{"ErrCondOnField", "x.en.tmpl", good + "[who=x] field k | party | optional | case.debtor.kind | 类型 | Kind\n",
			"x.en.tmpl:6: only body directives take a condition"},
		{"ErrSumShape", "x.en.tmpl", "title t\nfield a | money | required | - | 甲 | A\nsum a = a\n", "x.en.tmpl:3: sum needs TOTAL = PART + PART"},
		{"ErrSumNotMoney", "x.en.tmpl", "title t\nfield a | money | required | - | 甲 | A\nfield b | text | required | - | 乙 | B\nsum a = b + c\n",
			"x.en.tmpl:4: sum: \"b\" is not a money field"},
		{"ErrSumTwice", "x.en.tmpl", "title t\nfield a | money | required | - | 甲 | A\nfield b | money | required | - | 乙 | B\nsum a = b + a\n",
			"x.en.tmpl:4: sum: \"a\" appears twice"},
		{"ErrKeepOpen", "x.en.tmpl", good + "keep\npara {who}\n", "x.en.tmpl:6: keep without end"},
		{"ErrKeepNested", "x.en.tmpl", good + "keep\nkeep\nend\n", "x.en.tmpl:7: keep inside the keep of line 6"},
		{"ErrEndAlone", "x.en.tmpl", good + "end\n", "x.en.tmpl:6: end without keep"},
		{"ErrKeepText", "x.en.tmpl", good + "keep {who}\nend\n", "x.en.tmpl:6: keep takes no text"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, tt.file), []byte(tt.body), 0o644)
			_, err := Load(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load = %v, want %q", err, tt.want)
			}
			if err != nil && !strings.Contains(err.Error(), filepath.Join(dir, tt.file)) {
				t.Errorf("error %q does not name the file path", err)
			}
		})
	}
	t.Run("ErrNoDir", func(t *testing.T) {
		if _, err := Load(filepath.Join(t.TempDir(), "nope")); err == nil {
			t.Error("Load of a missing directory succeeded")
		}
	})
}

func TestPrefillMatchesRender(t *testing.T) {
	e, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	c := &dossier.Case{Number: "P-1", Creditor: dossier.Party{Name: "甲公司"}, Debtor: dossier.Party{Name: "乙公司"},
		Principal: 12000000, Interest: 50, ContractNo: "HT-1", DueDate: dossier.NewDate(2026, 1, 31)}
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	got, err := e.prefill("lawyer_letter", "zh-CN", Input{Case: c, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"debtor_name": "乙公司", "principal": "120000.00", "total": "120000.50",
		"contract_no": "HT-1", "due_date": "2026-01-31", "days_overdue": "30", "deadline_days": "7"} {
		if got[k] != want {
			t.Errorf("%s: %q, want %q", k, got[k], want)
		}
	}
	if _, ok := got["firm_name"]; ok {
		t.Error("a field without a default was prefilled")
	}
	if _, err := e.prefill("nope", "zh-CN", Input{Case: c, Now: now}); dossier.ErrorCode(err) != dossier.ENOTFOUND {
		t.Fatalf("unknown template: %v", err)
	}
}
