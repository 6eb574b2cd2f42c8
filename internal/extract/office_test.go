package extract

import (
	"archive/zip"
	"bytes"
	"testing"
)

// makeZip builds a zip package from name → content, in the given order.
func makeZip(tb testing.TB, files ...[2]string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f[0])
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write([]byte(f[1])); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

const wordHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`

// docxFixture is a Word document the way Word writes it: a word split over
// runs by formatting and spell-check marks, a field code, deleted revision
// text, a table, a header.
func docxFixture(tb testing.TB) []byte {
	return makeZip(tb,
		[2]string{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
		[2]string{"word/document.xml", wordHead +
			`<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>还款协议</w:t></w:r></w:p>` +
			`<w:p><w:r><w:t>甲方同意</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:t>分期</w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>还款</w:t></w:r>` +
			`<w:r><w:t xml:space="preserve">，合同编号 HT-</w:t></w:r><w:r><w:t>2026-0042。</w:t></w:r></w:p>` +
			`<w:p><w:r><w:instrText> PAGE \* MERGEFORMAT </w:instrText></w:r><w:del><w:r><w:delText>作废条款</w:delText></w:r></w:del>` +
			`<w:r><w:t>The debtor promised</w:t></w:r><w:r><w:tab/><w:t>to pay.</w:t></w:r></w:p>` +
			`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>期数</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>金额</w:t></w:r></w:p></w:tc></w:tr>` +
			`<w:tr><w:tc><w:p><w:r><w:t>第一期</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>6,000.00</w:t></w:r></w:p></w:tc></w:tr></w:tbl>` +
			`</w:body></w:document>`},
		[2]string{"word/header1.xml", `<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>上海申达贸易有限公司</w:t></w:r></w:p></w:hdr>`},
	)
}

// xlsxFixture has two sheets listed in workbook order opposite to their file
// names, shared strings with rich-text runs and phonetic hints, numbers and
// an inline string.
func xlsxFixture(tb testing.TB) []byte {
	return makeZip(tb,
		[2]string{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
		[2]string{"xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>` +
			`<sheet name="对账单" sheetId="1" r:id="rId2"/><sheet name="Notes" sheetId="2" r:id="rId1"/></sheets></workbook>`},
		[2]string{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/></Relationships>`},
		[2]string{"xl/sharedStrings.xml", `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">` +
			`<si><t>日期</t></si><si><t>摘要</t></si><si><r><t>分期</t></r><r><rPr><b/></rPr><t>还款</t></r><rPh><t>fenqi</t></rPh></si>` +
			`<si><t>promised to pay</t></si></sst>`},
		[2]string{"xl/worksheets/sheet2.xml", `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>金额</t></is></c></row>` +
			`<row r="2"><c r="A2"><v>46027</v></c><c r="B2" t="s"><v>2</v></c><c r="C2"><v>-6000</v></c></row></sheetData></worksheet>`},
		[2]string{"xl/worksheets/sheet1.xml", `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
			`<row r="1"><c r="A1" t="s"><v>3</v></c><c r="B1" t="str"><f>A1</f><v>HT-2026-0042</v></c></row></sheetData></worksheet>`},
	)
}
