package search

import (
	"slices"
	"testing"
)

// A case number in q finds that case's evidence, typed as stored, with
// full-width brackets and digits (as a Chinese input method gives them) or
// in lower case; with other words it narrows them to that case.
func TestSearchByCaseNumber(t *testing.T) {
	ix := mustFixture(t)
	const number = "(2026)京0105民初88号"
	want := map[string]bool{}
	for _, d := range fixtureDocs {
		if d.CaseNumber == number {
			want[d.EvidenceID] = true
		}
	}
	if len(want) == 0 {
		t.Fatal("the fixture has no evidence of case " + number)
	}
	for _, q := range []string{number, "（２０２６）京０１０５民初８８号", "（2026）京0105民初88号"} {
		r := mustSearch(t, ix, Query{Q: q}, nil)
		got := ids(r)
		if len(got) != len(want) {
			t.Errorf("%q: %d hits %v, want the %d items of the case", q, len(got), got, len(want))
		}
		for _, id := range got {
			if !want[id] {
				t.Errorf("%q: %s is not evidence of %s", q, id, number)
			}
		}
	}
	// With another word: only that case's items that match it.
	all := ids(mustSearch(t, ix, Query{Q: "借款"}, nil))
	got := ids(mustSearch(t, ix, Query{Q: number + " 借款"}, nil))
	for _, id := range got {
		if !want[id] {
			t.Errorf("%s 借款: %s is not evidence of the case", number, id)
		}
	}
	var inCase int
	for _, id := range all {
		if want[id] {
			inCase++
		}
	}
	if len(got) != inCase || inCase == 0 {
		t.Errorf("%s 借款: %d hits, want the case's %d items that mention 借款", number, len(got), inCase)
	}
	for _, tc := range []struct{ in, want string }{{"2026-hz-0001", "2026-HZ-0001"}, {"ＨＴ－２０２６", "HT-2026"}} {
		forms := caseNumberForms(tc.in)
		found := false
		for _, f := range forms {
			found = found || f == tc.want
		}
		if !found {
			t.Errorf("forms of %q: %v, want %q among them", tc.in, forms, tc.want)
		}
	}
	if f := caseNumberForms("借款"); f != nil {
		t.Errorf("a word without digits gave case-number forms %v", f)
	}
}

// A court's case number is held as it was entered, with or without the
// brackets around the year: 2026京0105民初1234号, (2026)沪0101民初7号,
// （2026）粤0304民初55号, 〔2026〕京仲字第9号. Typed as the court writes it, with
// ASCII, full-width or 〔〕 brackets, without them, without 号, or in
// full-width digits, it finds that case's evidence and no other case's.
func TestSearchByCourtCaseNumberForms(t *testing.T) {
	ix, err := Open(t.TempDir() + "/index")
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	err = ix.Index(
		Doc{EvidenceID: "a1", CaseID: "ca", CaseNumber: "2026京0105民初1234号", Kind: "contract", Title: "买卖合同", Text: "货款"},
		Doc{EvidenceID: "a2", CaseID: "ca", CaseNumber: "2026京0105民初1234号", Kind: "invoice", Title: "发票", Text: "发票"},
		Doc{EvidenceID: "b1", CaseID: "cb", CaseNumber: "2026京0105民初12345号", Kind: "contract", Title: "买卖合同", Text: "货款"},
		Doc{EvidenceID: "c1", CaseID: "cc", CaseNumber: "2025京0105民初1234号", Kind: "contract", Title: "买卖合同", Text: "货款"},
		Doc{EvidenceID: "d1", CaseID: "cd", CaseNumber: "(2026)沪0101民初7号", Kind: "contract", Title: "买卖合同", Text: "货款"},
		Doc{EvidenceID: "e1", CaseID: "ce", CaseNumber: "（2026）粤0304民初55号", Kind: "contract", Title: "买卖合同", Text: "货款"},
		Doc{EvidenceID: "f1", CaseID: "cf", CaseNumber: "〔2026〕京仲字第9号", Kind: "contract", Title: "仲裁申请", Text: "货款"},
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"2026京0105民初1234号", []string{"a1", "a2"}},
		{"（2026）京0105民初1234号", []string{"a1", "a2"}},
		{"(2026)京0105民初1234号", []string{"a1", "a2"}},
		{"〔2026〕京0105民初1234号", []string{"a1", "a2"}},
		{"2026京0105民初1234", []string{"a1", "a2"}},
		{"（２０２６）京０１０５民初１２３４号", []string{"a1", "a2"}},
		{"（2026）京0105民初1234号 发票", []string{"a2"}},
		{"2026沪0101民初7号", []string{"d1"}},
		{"（2026）沪0101民初7", []string{"d1"}},
		{"2026粤0304民初55号", []string{"e1"}},
		{"(2026)粤0304民初55", []string{"e1"}},
		{"〔2026〕京仲字第9号", []string{"f1"}},
		{"2026京仲字第9号", []string{"f1"}},
		{"（2026）京仲字第9号", []string{"f1"}},
	} {
		got := ids(mustSearch(t, ix, Query{Q: tc.q}, nil))
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.q, got, tc.want)
		}
	}
}

// A firm's reference typed without its hyphens (2026HZ0001, copied from a
// system that drops punctuation), in lower case or with other separators
// finds the case that holds it with hyphens, and a reference held without
// them is found typed with them; a longer or another year's number is not.
func TestSearchByFirmReferenceWithoutHyphens(t *testing.T) {
	ix := mustOpen(t)
	err := ix.Index(
		Doc{EvidenceID: "a1", CaseID: "ca", CaseNumber: "2026-HZ-0001", Kind: "contract", Title: "买卖合同", Text: "货款"},
		Doc{EvidenceID: "b1", CaseID: "cb", CaseNumber: "2026-HZ-00010", Kind: "contract", Title: "买卖合同", Text: "货款"},
		Doc{EvidenceID: "c1", CaseID: "cc", CaseNumber: "2026HZ0002", Kind: "contract", Title: "买卖合同", Text: "货款"},
		Doc{EvidenceID: "d1", CaseID: "cd", CaseNumber: "2025-HZ-0001", Kind: "contract", Title: "买卖合同", Text: "货款"},
		Doc{EvidenceID: "e1", CaseID: "ce", CaseNumber: "2026-HZ-00001", Kind: "contract", Title: "买卖合同", Text: "货款"},
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"2026HZ0001", []string{"a1"}},
		{"2026hz0001", []string{"a1"}},
		{"２０２６ＨＺ０００１", []string{"a1"}},
		{"2026/HZ/0001", []string{"a1"}},
		{"2026-HZ-0001", []string{"a1"}},
		{"2026HZ00010", []string{"b1"}},
		{"2026-HZ-0002", []string{"c1"}},
		{"2026HZ0002", []string{"c1"}},
		{"2025HZ0001", []string{"d1"}},
	} {
		got := ids(mustSearch(t, ix, Query{Q: tc.q}, nil))
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.q, got, tc.want)
		}
	}
}
