package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/httpapi"
)

// apiInLang wraps the API's error handler: a JSON API request made by this
// site's own pages (the upload and new-version widgets post to the API with
// the session cookie) is refused in the language of the page that made it,
// so a Chinese page never shows the API's English. The problem's type,
// status and field names stay those of the API; only the human text (the
// detail and each field's message) is translated. Requests with a bearer
// token, the API's own clients, always get the API's English. A page's
// request whose session has ended meanwhile (expired, signed out
// elsewhere) still carries the cookie, though no actor: its 401 is the
// page's too.
func (f *Front) apiInLang(next echo.HTTPErrorHandler) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		req := c.Request()
		if strings.HasPrefix(req.URL.Path, "/api/") && req.Header.Get(echo.HeaderAuthorization) == "" &&
			(actorOf(c) != nil || hasSessionCookie(req)) {
			if m := (Msg{Lang: langOf(c)}); m.Lang != "en" {
				err = m.apiError(err)
			}
		}
		next(err, c)
	}
}

func hasSessionCookie(req *http.Request) bool {
	ck, err := req.Cookie(SessionCookie)
	return err == nil && ck.Value != ""
}

// apiError returns err with its message and field messages in m's language.
// An internal error stays as it is (the handler never shows its text).
func (m Msg) apiError(err error) error {
	var de *dossier.Error
	if !errors.As(err, &de) || de.Code == dossier.EINTERNAL {
		var he *echo.HTTPError
		if !errors.As(err, &he) {
			return err
		}
		de, _ = httpapi.FromEcho(err).(*dossier.Error)
		if de == nil || de.Code == dossier.EINTERNAL {
			return err
		}
	}
	out := *de
	out.Message = m.apiDetail(de.Message, httpapi.Status(de))
	out.Fields = make([]dossier.FieldError, len(de.Fields))
	for i, fe := range de.Fields {
		out.Fields[i] = dossier.FieldError{Field: fe.Field, Message: m.Field(fe.Message)}
	}
	return &out
}

// apiDetail translates a problem's detail: a known sentence, else the
// status's own title in the page's language (error.NNN) with the English
// kept after it, so nothing the server said is lost.
func (m Msg) apiDetail(detail string, status int) string {
	if zh, ok := apiDetails[detail]; ok {
		return zh
	}
	if zh, ok := translateFormat(apiDetailFormats, detail); ok {
		return zh
	}
	title := m.T(fmt.Sprintf("error.%d", status))
	if strings.HasPrefix(title, "error.") {
		title = m.T("error.title")
	}
	if detail == "" {
		return title
	}
	return title + "（" + detail + "）"
}

// apiDetails are the details the pages' API calls (evidence uploads and new
// versions) can be refused with.
var apiDetails = map[string]string{
	"invalid fields":          "输入有误",
	"authentication required": "登录已失效，请重新登录后再上传",
	"sign in first":           "登录已失效，请重新登录后再上传",
	"forbidden":               "无权执行此操作",
	"not allowed":             "无权执行此操作",
	"case not found":          "案件不存在或无权查看",
	"evidence not found":      "证据不存在或无权查看",
	"no such resource":        "找不到该地址",
	"request body larger than the upload limit":                                "文件超过上传上限，未保存",
	"request body too large":                                                   "文件超过上传上限，未保存",
	"request body must be multipart/form-data with a part named file":          "请求中没有文件",
	"could not read request body":                                              "上传中断，文件未保存，请重试",
	"the item is deleted":                                                      "该证据已删除",
	"the item is deleted; upload it as a new item":                             "该证据已删除，请作为新证据上传",
	"the item was deleted during the upload; upload the file as a new item":    "上传期间该证据被删除，请作为新证据上传",
	"the item changed meanwhile; try again":                                    "该证据刚被修改，请重试",
	"the item changed meanwhile":                                               "该证据刚被修改，请刷新页面后重试",
	"another version was added at the same time":                               "同时有人上传了该证据的另一新版本，本次未保存，请刷新页面后重试",
	"the version could not be added; try again":                                "新版本未能保存，请重试",
	"search index unavailable: run `dossier reindex`":                          "检索索引不可用，请由管理员运行 dossier reindex",
	"the evidence vault is not configured":                                     "证据库未配置",
	"could not store the file: the blob store is unavailable; try again later": "存储暂不可用，文件未保存，请稍后重试",
	"could not store the file":                                                 "文件保存失败，未保存",
	"metadata store unavailable":                                               "数据库暂不可用，文件未保存，请稍后重试",
	"metadata store busy":                                                      "数据库繁忙，文件未保存，请稍后重试",
	"missing or invalid " + CSRFHeader + " header":                             "页面已过期，请刷新页面后重试",
}

var apiDetailFormats = func() []fieldFormat {
	var out []fieldFormat
	for _, p := range [][2]string{
		{"the item is on legal hold: %s", "该证据处于诉讼保全中：%s"},
		{"the item is retained until %s", "该证据在保留期内，%s 前不得删除"},
		{"file larger than the %d-byte limit", "文件超过上传上限（%s 字节），未保存"},
		{`malformed multipart body: part %d has a Content-Disposition that cannot be read: a parameter is not name="value"; a value with spaces, quotes or non-ASCII characters (a Chinese filename) must be in double quotes`,
			`上传格式有误：第 %s 部分的 Content-Disposition 无法解析：参数须为 name="value" 形式，含空格、引号或非 ASCII 字符（如中文文件名）的值须加双引号`},
		{`malformed multipart body: part %d has a Content-Disposition that cannot be read: it must be form-data; name="file"; filename="合同.pdf", each parameter given once`,
			`上传格式有误：第 %s 部分的 Content-Disposition 无法解析：须为 form-data; name="file"; filename="合同.pdf" 形式，每个参数只能出现一次`},
		{"If-Match does not match the content's ETag %s", "内容已变更：If-Match 与当前 ETag %s 不符"},
		{`another item of the case already has these bytes: "%s" (id %s)`, "本案已有另一份相同内容的证据：「%s」（编号 %s）"},
		{"search index being rebuilt (%s): %d items indexed (%d with the text the old index held), %d failed",
			"检索索引正在重建，完成后即可检索（原因：%s；进度：已索引 %s 项，其中 %s 项沿用原索引中的文本，失败 %s 项）"},
		{"search index being rebuilt (%s): starting", "检索索引正在重建，完成后即可检索（原因：%s；进度：正在开始）"},
		{"search index being rebuilt (%s): compacting", "检索索引正在重建，完成后即可检索（原因：%s；进度：正在合并索引）"},
		{"search index being rebuilt (%s): %s", "检索索引正在重建，完成后即可检索（原因：%s；进度：%s）"},
		{"other versions kept being added at the same time (%d tries); upload again", "同时有人连续上传该证据的新版本（已尝试 %s 次），本次未保存，请重新上传"},
	} {
		out = append(out, fieldFormat{re: formatRE(p[0]), zh: p[1]})
	}
	return out
}()
