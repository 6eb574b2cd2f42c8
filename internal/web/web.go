// Package web is Dossier's browser front: server-rendered html/template pages
// (embedded in the binary) over the same capability services as the JSON API,
// with cookie sessions, CSRF tokens on every form, a strict
// Content-Security-Policy, and messages in Chinese (default) and English.
//
// Pages never decide a rule themselves: every read and write goes through the
// services (casefile, account, evidence, search, …), which apply the policy,
// and every error is mapped by httpapi.Status, the one status table.
package web

import (
	"crypto/rand"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/account"
	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/document"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/evidence"
	"github.com/dossier/dossier/internal/httpapi"
	"github.com/dossier/dossier/internal/indexer"
	"github.com/dossier/dossier/internal/recovery"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config holds the services the pages call. Nil optional services leave
// their pages out of the navigation and their routes unregistered.
type Config struct {
	Accounts  *account.Service
	Cases     *casefile.Service
	Evidence  *evidence.Vault   // optional
	Documents *document.Service // optional
	Bundles   *bundle.Service   // optional
	Recovery  *recovery.Service // optional: the limitation deadline
	Search    *indexer.Indexer  // optional
	Audit     *audit.Trail      // optional: the audit page
	Log       *slog.Logger
	// Secure marks the session cookie Secure even when the request itself
	// arrived over plain HTTP (a TLS-terminating proxy in front).
	Secure bool
	// Key signs CSRF tokens; a random key is made when empty (tokens then
	// do not survive a restart, sessions do and simply get a new token).
	Key []byte
	// BasePath is the path prefix the pages are served under behind a
	// reverse proxy ("/dossier"), as CleanBasePath returns it; empty at the
	// root.
	BasePath string
}

// Front is the web interface.
type Front struct {
	cfg   Config
	key   []byte
	pages map[string]*template.Template
	// gets are the paths of the GET routes, where the language switch of a
	// page rendered from a POST may return.
	gets []string
	// routes are the paths (route patterns) of every page route.
	routes map[string]bool
}

// New parses the embedded templates; a template error is a programming error
// and panics at start-up rather than on the first request.
func New(cfg Config) *Front {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	f := &Front{cfg: cfg, key: cfg.Key}
	if len(f.key) == 0 {
		f.key = make([]byte, 32)
		_, _ = rand.Read(f.key)
	}
	fm := funcsFor(f.location())
	fm["path"] = f.url
	f.pages = parsePages(fm)
	return f
}

// parsePages builds one template set per page: the shared layout plus the
// page's own file, so that each page may define "content" and "title".
func parsePages(fm template.FuncMap) map[string]*template.Template {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if strings.HasPrefix(base, "_") {
			continue
		}
		t := template.New(base).Funcs(fm)
		t = template.Must(t.ParseFS(templateFS, "templates/_*.html", n))
		pages[base] = t
	}
	return pages
}

// Register adds the session middleware and every page route to e, the same
// echo instance as the API, so that the API's access log, metrics and audit
// middleware cover pages too.
func (f *Front) Register(e *echo.Echo) {
	if f.cfg.BasePath != "" {
		e.Pre(f.stripBase)
	}
	e.Use(f.session)
	e.HTTPErrorHandler = f.notFoundPage(f.apiInLang(e.HTTPErrorHandler))
	static, _ := fs.Sub(staticFS, "static")
	files := echo.WrapHandler(http.StripPrefix("/static/", cacheStatic(http.FileServer(http.FS(static)))))
	e.GET("/static/*", func(c echo.Context) error {
		// Recorded as what it is, with the file, rather than as an
		// anonymous "other request" an auditor has to look into.
		n := dossier.NoteFrom(c.Request().Context())
		n.Action, n.Detail = "web.static", c.Request().URL.Path
		return files(c)
	}).Name = "web.static"

	f.routes = map[string]bool{}
	get := func(path, action string, h echo.HandlerFunc) {
		e.GET(path, f.page(action, h)).Name = action
		f.gets = append(f.gets, path)
		f.routes[path] = true
	}
	post := func(path, action string, h echo.HandlerFunc) {
		e.POST(path, f.page(action, f.checkCSRF(checkFormText(h)))).Name = action
		f.routes[path] = true
	}
	get("/", "web.home", f.home)
	get("/login", "web.login.form", f.loginForm)
	post("/login", "web.login", f.login)
	post("/logout", "web.logout", f.logout)
	post("/lang", "web.lang", f.setLang)

	get("/cases", "web.case.list", f.caseList)
	get("/cases/new", "web.case.new", f.caseNew)
	post("/cases", "web.case.create", f.caseCreate)
	get("/cases/:case_id", "web.case.read", f.caseShow)
	post("/cases/:case_id/stage", "web.case.update", f.caseStage)
	post("/cases/:case_id/communications", "web.communication.create", f.commCreate)

	if f.cfg.Evidence != nil {
		get("/evidence/:eid", "web.evidence.read", f.evidenceShow)
		get("/evidence/:eid/raw", "web.evidence.content", f.evidenceRaw)
		post("/evidence/:eid/hold", "web.evidence.hold", f.evidenceHold)
		post("/evidence/:eid/verify", "web.evidence.verify", f.evidenceVerify)
	}
	if f.cfg.Documents != nil {
		get("/cases/:case_id/documents", "web.document.list", f.documentsPage)
		post("/cases/:case_id/documents", "web.document.create", f.documentCreate)
	}
	if f.cfg.Bundles != nil {
		get("/cases/:case_id/bundles", "web.bundle.list", f.bundlesPage)
		post("/cases/:case_id/bundles", "web.bundle.create", f.bundleCreate)
		get("/bundles/:bid", "web.bundle.read", f.bundleShow)
		get("/bundles/:bid/download", "web.bundle.download", f.bundleDownload)
		post("/bundles/:bid/shares", "web.share.create", f.shareCreate)
		post("/bundles/:bid/shares/:sid/revoke", "web.share.delete", f.shareRevoke)
	}
	if f.cfg.Recovery != nil {
		get("/dashboard", "web.dashboard", f.dashboardPage)
		get("/dashboard.csv", "web.dashboard.export", f.dashboardExport)
		post("/cases/:case_id/payments", "web.payment.create", f.paymentCreate)
		post("/cases/:case_id/payments/reverse", "web.payment.reverse", f.paymentReverse)
		post("/cases/:case_id/plans", "web.plan.create", f.planCreate)
	}
	if f.cfg.Search != nil {
		get("/search", "web.search", f.searchPage)
	}
	if f.cfg.Audit != nil {
		get("/audit", "web.audit.list", f.auditPage)
		get("/audit/verify", "web.audit.verify", f.auditVerify)
		get("/audit/export.csv", "web.audit.export", f.auditExport)
	}
	get("/cases/:case_id/grants", "web.case.grant.list", f.caseGrantsPage)
	post("/cases/:case_id/grants", "web.case.grant.create", f.caseGrantCreate)
	post("/cases/:case_id/grants/revoke", "web.case.grant.delete", f.caseGrantRevoke)
	get("/admin", "web.admin", f.adminPage)
	post("/admin/users", "web.user.create", f.adminCreateUser)
	post("/admin/users/disabled", "web.user.disable", f.adminSetDisabled)
	post("/admin/grants", "web.grant.create", f.grantCreate)
	post("/admin/grants/revoke", "web.grant.delete", f.grantRevoke)
}

// notFoundPage shows the friendly page, in the user's language, to a
// browser that asked for a path no route serves (404) or used a method the
// path does not take (405: the address bar on a page a form post rendered,
// such as /cases/ID/payments, or a form posted to a GET-only page), or whose
// page request the API's middleware refused before the page ran (400 for a
// query that is not UTF-8 text, such as a link cut in the middle of a
// character or written in GBK). API clients and every other route keep the
// problem answers of the API's error handler.
func (f *Front) notFoundPage(next echo.HTTPErrorHandler) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		req := c.Request()
		status := pageStatus(err)
		unrouted := (c.Path() == "" && status == http.StatusNotFound) || status == http.StatusMethodNotAllowed
		// A page's own errors are rendered by page(); one that reaches
		// here on a page route came from a middleware before it.
		refused := f.routes[c.Path()] && status != http.StatusInternalServerError
		if (unrouted || refused) && !c.Response().Committed && !strings.HasPrefix(req.URL.Path, "/api/") &&
			(req.Method == http.MethodGet || req.Method == http.MethodPost) &&
			strings.Contains(req.Header.Get("Accept"), "text/html") {
			securityHeaders(c.Response().Header())
			f.sessionActor(c)
			if rerr := f.renderError(c, err); rerr == nil {
				return
			}
		}
		next(err, c)
	}
}

// sessionActor resolves the session cookie of a request refused before the
// session middleware ran, so that its error page is in the user's language.
func (f *Front) sessionActor(c echo.Context) {
	req := c.Request()
	if actorOf(c) != nil || req.Header.Get(echo.HeaderAuthorization) != "" {
		return
	}
	ck, err := req.Cookie(SessionCookie)
	if err != nil || ck.Value == "" {
		return
	}
	if a, err := f.cfg.Accounts.Authenticate(req.Context(), ck.Value); err == nil {
		c.SetRequest(req.WithContext(httpapi.WithActor(req.Context(), a)))
	}
}

// pageStatus is the status of err as the error page states it: the
// router's 405 (which httpapi.Status, knowing only the services' codes,
// would call a 500), else the one status table's.
func pageStatus(err error) int {
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code == http.StatusMethodNotAllowed {
		return http.StatusMethodNotAllowed
	}
	return httpapi.Status(httpapi.FromEcho(err))
}

// cacheStatic lets browsers keep the embedded assets briefly; they change
// only with a new binary.
func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		h.ServeHTTP(w, r)
	})
}

// page wraps a page handler: it names the audit action, sets the security
// headers and renders any error as a friendly page.
func (f *Front) page(action string, h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		dossier.NoteFrom(c.Request().Context()).Action = action
		securityHeaders(c.Response().Header())
		err := h(c)
		if err == nil || c.Response().Committed {
			return err
		}
		return f.renderError(c, err)
	}
}

// CSP is the Content-Security-Policy of every page: no inline script or
// style, nothing from other origins; same-origin frames for the inline PDF
// preview (default-src covers frame-src), plugins off.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"media-src 'self'; object-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"

func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Cache-Control", "no-store")
}

func (f *Front) home(c echo.Context) error {
	if actorOf(c) == nil {
		return f.redirect(c, "/login")
	}
	return f.redirect(c, "/cases")
}
