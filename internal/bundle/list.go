package bundle

import (
	"fmt"
	"strings"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/render"
)

// china is the time zone dates on court papers are written in.
var china = time.FixedZone("CST", 8*3600)

func docOptions(title string) render.DocOptions {
	return render.DocOptions{Title: title, PagePattern: "{current} / {total}", Created: time.Unix(0, 0).UTC()}
}

// listText holds the words of the evidence list in one language.
type listText struct {
	title, caseNo, caseTitle, creditor, debtor, bundle, signer, date string
	cols                                                             []render.Column
	pages                                                            func(it dossier.BundleItem) string
	noSource                                                         string
}

var listTexts = map[string]listText{
	"zh": {title: "证据目录", caseNo: "案号：", caseTitle: "案由：", creditor: "提交人（债权人）：",
		debtor: "对方当事人（债务人）：", bundle: "证据材料：", signer: "提交人（签章）：", date: "日期：",
		cols: []render.Column{{Header: "序号", Width: 8}, {Header: "证据名称", Width: 24},
			{Header: "证据来源", Width: 16}, {Header: "证明目的", Width: 34}, {Header: "页码/份数", Width: 18}},
		pages: func(it dossier.BundleItem) string {
			s := fmt.Sprintf("第%d页", it.PageFrom)
			if it.Pages > 1 {
				s = fmt.Sprintf("第%d–%d页", it.PageFrom, it.PageFrom+it.Pages-1)
			}
			if !it.Merged {
				return s + "（说明页）\n电子原件1份"
			}
			return s + "\n共" + fmt.Sprint(it.Pages) + "页，原件1份"
		},
		noSource: "—"},
	"en": {title: "Evidence List", caseNo: "Case No.: ", caseTitle: "Matter: ", creditor: "Submitted by (creditor): ",
		debtor: "Opposing party (debtor): ", bundle: "Bundle: ", signer: "Signature / seal: ", date: "Date: ",
		cols: []render.Column{{Header: "No.", Width: 8}, {Header: "Evidence", Width: 24},
			{Header: "Source", Width: 16}, {Header: "Purpose of proof", Width: 34}, {Header: "Pages / copies", Width: 18}},
		pages: func(it dossier.BundleItem) string {
			s := fmt.Sprintf("p. %d", it.PageFrom)
			if it.Pages > 1 {
				s = fmt.Sprintf("pp. %d–%d", it.PageFrom, it.PageFrom+it.Pages-1)
			}
			if !it.Merged {
				return s + " (description)\n1 electronic original"
			}
			return s + fmt.Sprintf("\n%d page(s), 1 original", it.Pages)
		},
		noSource: "—"},
}

// renderList draws the 证据目录 of b: the case heading, one table row per
// exhibit, and the submitting party's signature line.
func (s *Service) renderList(c *dossier.Case, b *dossier.Bundle, lang string) ([]byte, error) {
	t := listTexts[lang]
	pattern := "第 {current} 页 共 {total} 页"
	if lang == "en" {
		pattern = "Page {current} of {total}"
	}
	d := s.cfg.Font.NewDoc(render.DocOptions{Title: t.title + " " + c.Number, PagePattern: pattern, Created: b.CreatedAt})
	d.Title(t.title)
	d.Para(t.caseNo+c.Number, "")
	if c.Title != "" {
		d.Para(t.caseTitle+c.Title, "")
	}
	d.Para(t.creditor+c.Creditor.Name, "")
	d.Para(t.debtor+c.Debtor.Name, "")
	d.Para(t.bundle+b.Title, "")
	rows := make([][]string, len(b.Items))
	for i, it := range b.Items {
		src := strings.TrimSpace(ItemSource(it, lang))
		if src == "" {
			src = t.noSource
		}
		rows[i] = []string{fmt.Sprint(it.N), ItemTitle(it, lang), src, it.Purpose, t.pages(it)}
	}
	d.Table(t.cols, rows)
	day := b.CreatedAt.In(china)
	date := fmt.Sprintf("%d年%d月%d日", day.Year(), day.Month(), day.Day())
	if lang == "en" {
		date = day.Format("2 January 2006")
	}
	d.Space(6)
	d.Right(t.signer + "                    ")
	d.Right(t.date + date)
	pdf, _, err := d.Bytes()
	if err != nil {
		return nil, fmt.Errorf("bundle: evidence list: %w", err)
	}
	return pdf, nil
}

// describe draws the page that stands in for an exhibit without a page form
// of its own (a recording, a video, an archive) or one too large or damaged
// to merge: what it is, where its original is in the bundle, its digest, and
// for a recording its transcript.
func (s *Service) describe(ex *exhibit, note string) ([]byte, int, error) {
	d := s.cfg.Font.NewDoc(docOptions(ex.Title))
	d.Heading(fmt.Sprintf("证据 %d  %s", ex.N, ex.Title))
	d.Para("本证据为电子数据，原件见本证据包内文件 / The original is the file in this bundle:", "")
	d.Para(ex.ZipName, "")
	d.Table([]render.Column{{Header: "项目 Item", Width: 28}, {Header: "内容 Value", Width: 72}}, [][]string{
		{"类别 Kind", ex.kind},
		{"原文件名 File name", ItemFilename(ex.BundleItem)},
		{"类型 Media type", ex.MediaType},
		{"大小 Size", fmt.Sprintf("%d 字节 bytes", ex.Size)},
		{"SHA-256", ex.SHA256},
		{"证据来源 Source", ex.Source},
	})
	switch note {
	case "too_large":
		d.Para("该文件过大，未并入本PDF，请查阅原件。/ Too large to merge into this PDF; see the original.", "")
	case "pdf_full":
		d.Para("本PDF已达合并容量上限，该文件未并入，请查阅原件。/ This PDF reached its size limit with the exhibits before this one; see the original.", "")
	case "unreadable":
		d.Para("该文件无法转换为PDF页面（可能已加密或格式不兼容），请查阅原件。/ Could not be converted to pages; see the original.", "")
	case "unmergeable":
		d.Para("该PDF文件可单独打开，但无法与其他证据合并或加盖页码，未并入本PDF，请查阅原件。/ This PDF opens on its own but could not be merged with the other exhibits or stamped; see the original.", "")
	}
	if ex.description != "" {
		d.Heading("说明 Description")
		d.Para(clean(ex.description), "")
	}
	if ex.transcript != "" {
		d.Heading("录音文字整理 Transcript")
		d.Para(clean(ex.transcript), "")
	}
	return d.Bytes()
}
