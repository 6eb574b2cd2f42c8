package web

import (
	"fmt"
	"net/http"
	"net/url"
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
// as they are.
func (m Msg) Field(msg string) string {
	if m.Lang == "en" {
		return msg
	}
	if zh, ok := fieldMessages[msg]; ok {
		return zh
	}
	return msg
}

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
	"must be one of negotiation, lawyer_letter, installment, payment_order, litigation, arbitration, enforcement, closed": "阶段无效",
}
