package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/httpapi"
	"github.com/dossier/dossier/internal/policy"
	"github.com/dossier/dossier/internal/render"
)

// view is what every template receives: the layout's needs plus the page's
// own Data.
type view struct {
	M       Msg
	Lang    string
	User    *dossier.User
	CSRF    string
	Path    string // where the language switch returns: this page, or after a POST its GET page
	Nav     []navItem
	Title   string
	Flash   string
	Errors  map[string]string // field → message, next to the inputs
	Problem string            // a form-level error
	ErrForm string            // on pages with several forms: the one Errors belong to
	Data    any
}

type navItem struct {
	Href, Label string
	Active      bool
}

// newView fills the layout part of a page.
func (f *Front) newView(c echo.Context, title string, data any) *view {
	lang := langOf(c)
	m := Msg{Lang: lang}
	v := &view{M: m, Lang: lang, CSRF: f.csrfToken(c), Path: f.backPath(c),
		Title: m.T(title), Data: data, Errors: map[string]string{}}
	if a := actorOf(c); a != nil {
		v.User = a.User
		v.Nav = f.nav(c, a, m)
	}
	if fl := c.QueryParam("ok"); fl != "" {
		if _, known := catalogue["flash."+fl]; known {
			v.Flash = m.T("flash." + fl)
		}
	}
	return v
}

// nav lists only what the caller may use and what has been built, so there
// is never a dead link.
func (f *Front) nav(c echo.Context, a *dossier.Actor, m Msg) []navItem {
	p := c.Request().URL.Path
	var items []navItem
	add := func(href, key string) {
		items = append(items, navItem{Href: f.url(href), Label: m.T(key), Active: p == href || strings.HasPrefix(p, href+"/")})
	}
	add("/cases", "nav.cases")
	if f.cfg.Recovery != nil && policy.Can(a, policy.DashboardRead, "") == nil {
		add("/dashboard", "nav.dashboard")
	}
	if f.cfg.Search != nil && policy.Can(a, policy.SearchRun, "") == nil {
		add("/search", "nav.search")
	}
	if f.cfg.Audit != nil && policy.Can(a, policy.AuditRead, "") == nil {
		add("/audit", "nav.audit")
	}
	if policy.Can(a, policy.UserManage, "") == nil {
		add("/admin", "nav.admin")
	}
	return items
}

// render writes a page.
func (f *Front) render(c echo.Context, status int, page string, v *view) error {
	t, ok := f.pages[page]
	if !ok {
		return fmt.Errorf("web: no template %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return &dossier.Error{Code: dossier.EINTERNAL, Err: fmt.Errorf("web: render %s: %w", page, err)}
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// renderError shows a friendly page for err with the status the one error
// table gives it; 401 sends the browser to the sign-in form instead.
func (f *Front) renderError(c echo.Context, err error) error {
	status := pageStatus(err)
	err = httpapi.FromEcho(err)
	if status == http.StatusUnauthorized {
		back := c.Request().URL.RequestURI()
		if c.Request().Method != http.MethodGet {
			back = "/"
		}
		return f.redirect(c, "/login?next="+url.QueryEscape(back))
	}
	if status == http.StatusInternalServerError {
		f.cfg.Log.Error("internal error", "request_id", c.Response().Header().Get(echo.HeaderXRequestID),
			"path", c.Request().URL.Path, "err", err)
	}
	v := f.newView(c, "error.title", nil)
	key := fmt.Sprintf("error.%d", status)
	msg, detail := v.M.T(key), v.M.Field(publicDetail(err, status))
	if errors.Is(err, errStaleForm) {
		msg, detail = v.M.T("error.stale_form"), v.M.T("error.stale_form_detail")
	}
	if fs := dossier.ErrorFields(err); len(fs) > 0 && status != http.StatusNotFound && status != http.StatusInternalServerError {
		// A refused address (a filter of a bookmarked list, a page link)
		// has no form to mark: name each parameter and what is wrong.
		parts := make([]string, len(fs))
		for i, fe := range fs {
			parts[i] = fe.Field + ": " + v.M.Field(fe.Message)
		}
		sep := "；"
		if v.M.Lang == "en" {
			sep = "; "
		}
		if detail == msg || detail == v.M.Field("invalid fields") {
			detail = ""
		} else {
			detail += sep
		}
		detail += strings.Join(parts, sep)
	}
	if detail == msg {
		detail = "" // the policy's bare "not allowed" says no more than the title
	}
	v.Title = msg // in the page's language
	if msg == key {
		v.Title, msg = http.StatusText(status), http.StatusText(status)
	}
	v.Data = map[string]any{
		"Status":    status,
		"Message":   msg,
		"Detail":    detail,
		"RequestID": c.Response().Header().Get(echo.HeaderXRequestID),
	}
	// The observe middleware records this error's status and message in
	// the audit event; the page itself is the answer.
	if rerr := f.render(c, status, "error", v); rerr != nil {
		return rerr
	}
	return nil
}

// publicDetail is the error text a user may see: never an internal one,
// and for ENOTFOUND the same words whether absent or invisible.
func publicDetail(err error, status int) string {
	switch status {
	case http.StatusInternalServerError, http.StatusNotFound, http.StatusMethodNotAllowed:
		return ""
	}
	return dossier.ErrorMessage(err)
}

// fieldErrors turns an EINVALID error into messages by field for the form;
// other errors become the form-level problem.
func fieldErrors(v *view, err error) {
	for _, fe := range dossier.ErrorFields(err) {
		v.Errors[fe.Field] = v.M.Field(fe.Message)
	}
	if len(v.Errors) == 0 {
		v.Problem = v.M.Field(dossier.ErrorMessage(err))
	} else {
		v.Problem = v.M.T("form.invalid")
	}
}

// safeHighlight returns a search highlight as HTML only if its sole tags are
// exactly <mark> and </mark> (the index escapes everything else); any other
// '<' or '>' means it did not come out of the index that way, and the whole
// string is shown escaped.
func safeHighlight(h string) template.HTML {
	stripped := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(h)
	if strings.ContainsAny(stripped, "<>") {
		return template.HTML(template.HTMLEscapeString(h))
	}
	return template.HTML(h)
}

// funcsFor returns the template functions; times show in loc, the zone the
// communication form is entered in, whatever the server's own zone.
func funcsFor(loc *time.Location) template.FuncMap {
	fm := template.FuncMap{
		"time": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(loc).Format("2006-01-02 15:04")
		},
		"day": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(loc).Format("2006-01-02")
		},
		"timep": func(t *time.Time) string {
			if t == nil || t.IsZero() {
				return ""
			}
			return t.In(loc).Format("2006-01-02 15:04")
		},
	}
	for k, v := range funcs {
		fm[k] = v
	}
	return fm
}

var funcs = template.FuncMap{
	"highlight": safeHighlight,
	"money":     func(m dossier.Money) string { return m.Grouped() },
	"amount":    amount,
	"date": func(d dossier.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.String()
	},
	"bytes": render.Bytes,
	// grouped writes a count with thousands separators: 1,234,567.
	"grouped": func(n int64) string {
		s := fmt.Sprint(n)
		for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
			s = s[:i] + "," + s[i:]
		}
		return s
	},
	"add": func(a, b int) int { return a + b },
	"query": func(pairs ...string) template.URL {
		q := url.Values{}
		for i := 0; i+1 < len(pairs); i += 2 {
			if pairs[i+1] != "" {
				q.Set(pairs[i], pairs[i+1])
			}
		}
		return template.URL(q.Encode())
	},
	"has": func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	},
	"prefix": strings.HasPrefix,
	"field":  field,
	"ffield": formField,
	"errin": func(v *view, form, name string) string {
		if v.ErrForm != form {
			return ""
		}
		return v.Errors[name]
	},
	"polink":  paymentOrderLink,
	"exhibit": func(it dossier.BundleItem, lang string) string { return bundle.ItemTitle(it, lang) },
	"exfile":  bundle.ItemFilename,
	"list":    func(s ...string) []string { return s },
	"deref":   func(m *dossier.Money) dossier.Money { return *m },
	"derefd":  func(d *dossier.Date) dossier.Date { return *d },
	"recsec": func(v *view, c *dossier.Case, d *caseData, r *recoverySection) map[string]any {
		return map[string]any{"V": v, "Case": c, "D": d, "R": r}
	},
	"evsec": func(v *view, c *dossier.Case, e *evidenceSection) map[string]any {
		return map[string]any{"V": v, "Case": c, "Ev": e}
	},
}

// statusOf is the status the one error table gives err.
func statusOf(err error) int { return httpapi.Status(err) }

// fieldData is one labelled input with its error, for the "input" template.
type fieldData struct {
	ID, Name, Label, Type, Value, Err string
	Required                          bool
	Hint                              string
}

// field builds an input for the form of v; the ID doubles as the label's
// target and the error's anchor.
func field(v *view, name, labelKey, typ, value string, required bool) fieldData {
	return fieldData{ID: "f-" + strings.NewReplacer(".", "-", "_", "-").Replace(name), Name: name,
		Label: v.M.T(labelKey), Type: typ, Value: value, Err: v.Errors[name], Required: required}
}

// formField is field for one of several forms on a page: the ID carries the
// form's name and the error shows only on the form that was sent.
func formField(v *view, form, name, labelKey, typ, value string, required bool) fieldData {
	fd := field(v, name, labelKey, typ, value, required)
	fd.ID = "f-" + form + "-" + strings.NewReplacer(".", "-", "_", "-").Replace(name)
	if v.ErrForm != form {
		fd.Err = ""
	}
	return fd
}

// amount writes m as Chinese practice and the documents do: ¥386,500.00 for
// yuan (the case's currency, empty meaning CNY), else the ISO code before
// the figure ("USD 1,234.56"), so no amount on a page stands without its
// currency.
func amount(currency string, m dossier.Money) string {
	g := m.Grouped()
	sign := ""
	if strings.HasPrefix(g, "-") {
		sign, g = "-", g[1:]
	}
	if currency == "" || currency == "CNY" {
		return sign + "¥" + g
	}
	return sign + currency + " " + g
}
