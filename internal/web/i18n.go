package web

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"
)

// Languages the pages are written in; the first is the default.
var Languages = []string{"zh-CN", "en"}

// Msg translates catalogue keys into one language; templates call
// {{.M.T "key"}}.
type Msg struct{ Lang string }

// T returns the message for key, formatted with args. A missing key shows
// itself, so a gap is visible on the page and in tests instead of blank.
func (m Msg) T(key string, args ...any) string {
	pair, ok := catalogue[key]
	if !ok {
		return key
	}
	s := pair[0]
	if m.Lang == "en" {
		s = pair[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Enum translates a value of a closed set (stage, bucket, kind, channel,
// role, flag) written as "prefix.value"; unknown values show as they are.
func (m Msg) Enum(prefix string, v any) string {
	s := fmt.Sprint(v)
	if _, ok := catalogue[prefix+"."+s]; ok {
		return m.T(prefix + "." + s)
	}
	return s
}

// langOf picks the language: the signed-in user's choice, else the
// signed-out cookie, else Chinese (the language of the courts and of most
// users; the browser's Accept-Language is deliberately not consulted).
func langOf(c echo.Context) string {
	if a := actorOf(c); a != nil && a.User != nil && validLang(a.User.Lang) {
		return a.User.Lang
	}
	if ck, err := c.Request().Cookie(langCookie); err == nil && validLang(ck.Value) {
		return ck.Value
	}
	return "zh-CN"
}

func validLang(l string) bool { return l == "zh-CN" || l == "en" }

// setLang switches the language: stored on the user when signed in, and in
// a cookie in any case so the sign-in page follows too.
func (f *Front) setLang(c echo.Context) error {
	lang := c.FormValue("lang")
	if !validLang(lang) {
		lang = "zh-CN"
	}
	if a := actorOf(c); a != nil {
		if err := f.cfg.Accounts.SetLang(c.Request().Context(), a, lang); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: langCookie, Value: lang, Path: f.cookiePath("/"), MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: f.secure(c), SameSite: http.SameSiteLaxMode})
	return f.redirect(c, f.returnPath(c.FormValue("back")))
}

// backPath is where the language switch of this page returns: the page
// itself after a GET. A GET of a POST's path would answer 405, so a page
// rendered in answer to a POST (form errors, a check's result, a refusal)
// returns to the page the form was on when the Referer names a page of this
// site, else to the nearest page above its path ("/bundles/x/shares" →
// "/bundles/x").
func (f *Front) backPath(c echo.Context) string {
	req := c.Request()
	if req.Method == http.MethodGet || req.Method == http.MethodHead {
		return req.URL.RequestURI()
	}
	// The Referer is the browser's address, under the prefix if there is one.
	if ref, err := url.Parse(req.Referer()); err == nil && ref.Host != "" && ref.Host == req.Host {
		if p, _ := f.cutBase(ref.Path); f.isPage(p) {
			ref.Path, ref.RawPath = p, ""
			return localPath(ref.RequestURI())
		}
	}
	for p := req.URL.Path; p != "/" && p != "." && p != ""; p = path.Dir(p) {
		if f.isPage(p) {
			return p
		}
	}
	return "/"
}

// isPage reports whether a GET route serves p.
func (f *Front) isPage(p string) bool {
	segs := strings.Split(p, "/")
	for _, route := range f.gets {
		rs := strings.Split(route, "/")
		if len(rs) != len(segs) {
			continue
		}
		match := true
		for i, r := range rs {
			if r != segs[i] && (!strings.HasPrefix(r, ":") || segs[i] == "") {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// localPath accepts only a path on this site, so a form cannot be used to
// redirect elsewhere.
func localPath(p string) string {
	u, err := url.Parse(p)
	if err != nil || p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") ||
		u.Host != "" || u.Scheme != "" || strings.Contains(p, "\\") {
		return "/"
	}
	return p
}

// Field translates a field message of the domain's validation (written in
// English, for the API) when the page is Chinese; messages not listed stay
// as they are. A message with one number is also looked up with the number
// written N ("must be at most N characters"), the number kept.
func (m Msg) Field(msg string) string {
	if m.Lang == "en" {
		if en, ok := enFieldMessages[msg]; ok {
			return en
		}
		return msg
	}
	if zh, ok := fieldMessages[msg]; ok {
		return zh
	}
	if zh, ok := translateFormat(fieldFormats, msg); ok {
		return zh
	}
	if ns := number.FindAllString(msg, -1); len(ns) == 1 {
		if zh, ok := fieldMessages[number.ReplaceAllString(msg, "N")]; ok {
			return strings.Replace(zh, "N", ns[0], 1)
		}
	}
	return msg
}

var number = regexp.MustCompile(`[0-9]+`)

// translateFormat finds the first of formats whose English matches msg and
// writes its Chinese with the values msg carries.
func translateFormat(formats []fieldFormat, msg string) (string, bool) {
	for _, f := range formats {
		if v := f.re.FindStringSubmatch(msg); v != nil {
			args := make([]any, len(v)-1)
			for i, a := range v[1:] {
				args[i] = a
			}
			return fmt.Sprintf(f.zh, args...), true
		}
	}
	return "", false
}

// enFieldMessages rewrites the few service messages that carry Chinese, for
// English pages.
var enFieldMessages = map[string]string{
	"is required (证明目的)": "is required (the purpose of proof)",
	"must end in 分 or 整": "must end in 分 (fen) or 整 (exact)",
}

// fieldFormat is a field message with values in it, written as the format the
// service passes to Fields.Add; zh takes the values in the same order, each
// as %s.
type fieldFormat struct {
	re *regexp.Regexp
	zh string
}

// formatRE turns a format into a pattern that matches its messages: %d
// matches a number, %s, %v and %q any text.
func formatRE(format string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(format); i++ {
		if format[i] == '%' && i+1 < len(format) {
			i++
			switch format[i] {
			case 'd':
				b.WriteString(`(-?[0-9]+)`)
			case 's', 'v', 'q':
				b.WriteString(`(.+?)`)
			default:
				b.WriteString(regexp.QuoteMeta(format[i-1 : i+1]))
			}
			continue
		}
		b.WriteString(regexp.QuoteMeta(format[i : i+1]))
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

var fieldFormats = func() []fieldFormat {
	var out []fieldFormat
	for _, p := range [][2]string{
		{"cannot be split into %d installments of at least 0.01", "无法分为 %s 期且每期不少于 0.01"},
		{"cannot split %s into %d installments of at least 0.01", "无法将 %s 分为 %s 期且每期不少于 0.01"},
		{"must not be before the agreement date %s", "不能早于协议日期 %s"},
		{"is a %s, not an installment agreement", "该文书为 %s，不是分期还款协议"},
		{"must equal %s (%s = %s)", "应等于 %s（%s = %s）"},
		{"at most %d anchors", "最多 %s 个留存链头"},
		{"query longer than %d characters", "检索词超过 %s 个字符"},
		{"query has more than %d terms", "检索词超过 %s 个"},
		{"%q is not SEQ:HASH (a seq from 1 and a 64-digit hex sha256)", "%s 不是“序号:哈希”格式（序号从 1 起，哈希为 64 位十六进制 sha256）"},
		{"must not be before the date the debt is acknowledged (as_of %s)", "不能早于确认债务的日期（as_of %s）"},
		{"must not be before the agreement's date %s", "不能早于协议文书的日期 %s"},
		{"is 0: the debt is not overdue on the document's date (due %s); a demand can be made from the day after the due date",
			"为 0：按文书日期该债务尚未逾期（到期日 %s），到期日次日起方可催告"},
		{"is %s, but the debt is not overdue on the document's date (due %s); a demand can be made from the day after the due date",
			"为 %s，但按文书日期该债务尚未逾期（到期日 %s），到期日次日起方可催告"},
		{"must be a whole amount: %s has no minor unit", "应为整数金额：%s 没有角、分"},
		{"must be one of %s", "应为以下之一：%s"},
		{"must be a whole number from %d to %d", "应为 %s 到 %s 之间的整数"},
		{"must be at most %d bytes", "最多 %s 字节"},
		{"must list at most %d items", "最多选入 %s 项"},
		{"must be -%s to reverse payment %s in full", "应为 -%s，以全额冲正付款 %s"},
		{"is before the debt existed (%s: the earliest dated contract, invoice or delivery, or the due date)",
			"早于债务发生日（%s：最早的合同、发票或送货日期，或到期日）"},
		{"is not a field of template %s", "不是模板 %s 的字段"},
		{"contains characters the document font cannot print: %s", "含有文书字体无法打印的字符：%s"},
		{"does not match the file received: %d bytes with SHA-256 %s", "与收到的文件不符：%s 字节，SHA-256 为 %s"},
		{"no template %q in %s", "没有模板 %s（%s）"},
		{"unknown evidence %s", "没有证据 %s"},
		{"unknown document %s", "没有文书 %s"},
		{"unknown payment %s of this case", "本案没有付款 %s"},
		{"must be after the due date %s: interest for late payment runs from the day after it", "应晚于到期日 %s：逾期付款利息自到期日次日起计算"},
		{"must be %d, the days after a served written demand by which Dossier accelerates an installment plan (DOSSIER_DEMAND_DAYS); leave it out to take it",
			"应为 %s，即书面催告送达后 Dossier 判定分期还款计划加速到期的天数（DOSSIER_DEMAND_DAYS）；留空则取该值"},
		{"lists evidence %s twice (items[%d] and items[%d]): a bundle lists each exhibit once",
			"证据 %s 重复列入（items[%s] 与 items[%s]）：同一证据在证据包中只能列入一次"},
		{"lists document %s twice (items[%d] and items[%d]): a bundle lists each exhibit once",
			"文书 %s 重复列入（items[%s] 与 items[%s]）：同一文书在证据包中只能列入一次"},
		{"is %s: the debt is not yet due on the application's date; a payment order can be applied for from the day after the due date",
			"为 %s：按申请书日期该债务尚未到期，到期日次日起方可申请支付令"},
		{"must be %s, as agreement document %s states (leave it out to take the agreement's)",
			"应为 %s，与分期还款协议文书 %s 一致（留空则取协议中的值）"},
	} {
		out = append(out, fieldFormat{formatRE(p[0]), p[1]})
	}
	return out
}()

var fieldMessages = map[string]string{
	"is required": "必填",
	"must be a basic-level people's court (district or county, usually at the debtor's domicile): only such a court issues payment orders": "应为基层人民法院（区、县人民法院，一般为债务人住所地）：只有基层人民法院受理支付令申请",

	// The API's refusal of a page request whose address is not text.
	"a path or query parameter contains a NUL character or bytes that are not UTF-8": "链接的地址或参数含有无效字符（不是 UTF-8 文本或含 NUL 字符），链接可能不完整或编码有误",

	// Request-level details an error page shows.
	"invalid fields":                             "输入有误",
	"invalid cursor":                             "分页位置无效，请从第一页重新开始",
	"not allowed":                                "无权执行此操作",
	"forbidden":                                  "无权执行此操作",
	"cursor belongs to another query":            "分页位置不属于本次检索，请从第一页重新开始",
	"query has no searchable words":              "检索词中没有可检索的字词",
	"query is not valid UTF-8":                   "检索词不是有效的文本（UTF-8）",
	"dates must be YYYY-MM-DD":                   "日期应为 YYYY-MM-DD",
	"is required (the case has no value for it)": "必填（案件中没有此项）",
	"must be an amount such as 128000.50":        "应为金额，例如 128000.50",
	"must be an amount such as 5000.00":          "应为金额，例如 5000.00",
	"must be a date YYYY-MM-DD":                  "应为日期 YYYY-MM-DD",
	"must be a date and time":                    "应为日期和时间",
	"must be greater than zero":                  "必须大于零",
	"must not be negative":                       "不能为负数",
	"is required (RFC 3339)":                     "必填",
	"must not be in the future":                  "不能晚于当前时间",
	"must be 1–64 letters, Chinese characters, digits, '-', '_', '/' or brackets around the year": "应为 1–64 个字母、汉字、数字、'-'、'_'、'/' 或年份两侧的括号",
	"must be an ISO 4217 code such as CNY":                                                        "应为 ISO 4217 币种代码，例如 CNY",
	"must be a phone number":                                                                      "应为电话号码",
	"must be an 18-character unified social credit code or ID number":                             "应为 18 位统一社会信用代码或身份证号",
	"must be at least 12 characters":                                                              "至少 12 个字符",
	"must be 2–64 lowercase letters, digits, '.', '_' or '-'":                                     "应为 2–64 个小写字母、数字、'.'、'_' 或 '-'",
	"is taken":                    "已被使用",
	"is required (证明目的)":          "必填（证明目的）",
	"must list at least one item": "至少选入一项证据",
	"must be a whole number":      "应为整数",
	// Bundles and share links.
	"must be in the future":                                "必须晚于当前时间",
	"must be within a year":                                "不能超过一年",
	"must be from 0 (no limit) to 10000":                   "应为 0（不限）到 10000",
	"must be at most N characters":                         "最多 N 个字符",
	"must list at most N items":                            "最多选入 N 项",
	"must name exactly one of evidence_id and document_id": "应指定一项证据或一份文书",
	"evidence not found":                                   "证据不存在",
	"document not found":                                   "文书不存在",
	"evidence is deleted":                                  "该证据已删除",
	"documents are not available":                          "文书功能未启用",
	// Grants and users.
	"must be read or write":               "应为只读或读写",
	"no such user":                        "没有该用户",
	"you cannot disable your own account": "不能停用自己的账号",
	"must be one of negotiation, lawyer_letter, installment, payment_order, litigation, arbitration, enforcement, closed": "阶段无效",
	// Payments, plans and proceedings.
	"a negative entry must give a reason":                     "冲正（负数）记录必须填写原因",
	"a negative entry must name the payment it reverses":      "冲正（负数）记录必须指明被冲正的付款",
	"only a negative entry can reverse a payment":             "只有负数记录才能冲正付款",
	"is itself a reversal":                                    "该记录本身就是冲正记录",
	"was already reversed":                                    "该付款已被冲正",
	"must not be zero":                                        "不能为零",
	"must be at most 999999999999.99":                         "不能超过 999999999999.99",
	"must be greater than zero and at most 999999999999.99":   "应大于零且不超过 999999999999.99",
	"must be an amount such as 120000.00":                     "应为金额，例如 120000.00",
	"is required (YYYY-MM-DD)":                                "必填（YYYY-MM-DD）",
	"must be a whole number of days from 0 to 3650":           "应为 0 到 3650 之间的天数",
	"is out of range":                                         "超出范围",
	"is required (the payments ledger shows nothing is owed)": "必填（付款记录显示已无欠款）",
	// Cases, parties, communications and lists.
	"is already used by another case":         "已被其他案件使用",
	"must be company or person":               "应为公司或个人",
	"must be demand, acknowledgment or empty": "应为催告、承认或留空",
	"is not a known stage":                    "阶段无效",
	"must be between 1 and 500":               "应为 1 到 500 之间",
	"is not a cursor from a previous page":    "不是上一页给出的游标",
	"must be zh-CN or en":                     "应为 zh-CN 或 en",
	"is already taken":                        "已被使用",
	"must be payment_order_application, lawyer_letter or installment_agreement": "应为支付令申请书、律师函或分期还款协议",
	// Evidence.
	"is required to put an item on hold":        "保全时必须填写原因",
	"is required (true or false)":               "必填（true 或 false）",
	"is required (a multipart part named file)": "请选择文件",
	"is empty":             "文件为空",
	"is not a known field": "不是已知字段",
	"must not be null: leave the field out to keep its value": "不能为 null：不修改该字段时请不要提交它",
	"must be a string, or a number for an int or money field": "须为字符串；整数或金额字段也可为数字",
	"only one file per request":                               "每次只能上传一个文件",
	"is given more than once":                                 "重复提交了此字段",
	"must be at most 4 MiB":                                   "最多 4 MiB",
	"must be the file's SHA-256 as 64 hexadecimal digits":     "应为文件的 SHA-256（64 位十六进制数字）",
	"must be the 17-digit practising licence number":          "应为 17 位律师执业证号",
	"must end in 分 or 整":                                      "应以“分”或“整”结尾",
	// Search.
	"is not a known evidence kind":                                                   "证据类型无效",
	"must be score or date":                                                          "应为 score 或 date",
	"must not be before from":                                                        "不能早于开始日期",
	"must be an RFC 3339 time or a date YYYY-MM-DD":                                  "应为 RFC 3339 时间或日期 YYYY-MM-DD",
	"must be a date from 1900-01-01 to 2199-12-31":                                   "应为 1900-01-01 至 2199-12-31 之间的日期",
	"must be a date (2026-03-01) or an RFC 3339 time":                                "应为日期（2026-03-01）或 RFC 3339 时间",
	"must not be before 1900-01-01":                                                  "不能早于 1900-01-01",
	"must not contain a NUL character":                                               "不能包含 NUL 字符",
	"must be UTF-8 text without a NUL character":                                     "应为不含 NUL 字符的 UTF-8 文本",
	"must not contain control characters":                                            "不能包含控制字符",
	"must be UTF-8 text (no bytes of another encoding, no half of a surrogate pair)": "应为 UTF-8 文本（不能含其他编码的字节或半个代理对）",

	// The new payment form's amount typed negative (web/recovery.go).
	"must be greater than zero; to undo a payment use Reverse in its row": "必须大于零；撤销一笔回款请在该笔记录中点击“冲正”",
}
