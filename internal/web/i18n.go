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
	c.SetCookie(&http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: f.secure(c), SameSite: http.SameSiteLaxMode})
	return c.Redirect(http.StatusSeeOther, localPath(c.FormValue("back")))
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
	if ref, err := url.Parse(req.Referer()); err == nil && ref.Host != "" && ref.Host == req.Host && f.isPage(ref.Path) {
		return localPath(ref.RequestURI())
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
		return msg
	}
	if zh, ok := fieldMessages[msg]; ok {
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

var fieldMessages = map[string]string{
	"is required": "必填",
	"is required (the case has no value for it)":                      "必填（案件中没有此项）",
	"must be an amount such as 128000.50":                             "应为金额，例如 128000.50",
	"must be an amount such as 5000.00":                               "应为金额，例如 5000.00",
	"must be a date YYYY-MM-DD":                                       "应为日期 YYYY-MM-DD",
	"must be a date and time":                                         "应为日期和时间",
	"must be greater than zero":                                       "必须大于零",
	"must not be negative":                                            "不能为负数",
	"is required (RFC 3339)":                                          "必填",
	"must not be in the future":                                       "不能晚于当前时间",
	"must be 1–64 letters, digits, '-', '_' or '/'":                   "应为 1–64 个字母、数字、'-'、'_' 或 '/'",
	"must be an ISO 4217 code such as CNY":                            "应为 ISO 4217 币种代码，例如 CNY",
	"must be a phone number":                                          "应为电话号码",
	"must be an 18-character unified social credit code or ID number": "应为 18 位统一社会信用代码或身份证号",
	"must be at least 12 characters":                                  "至少 12 个字符",
	"must be 2–64 lowercase letters, digits, '.', '_' or '-'":         "应为 2–64 个小写字母、数字、'.'、'_' 或 '-'",
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
}
