// Package httpapi is Dossier's JSON API over echo v4: the route table, thin
// handlers that call one capability each, and the one error → status map in
// problem.go. Services never see echo types.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/dossier/dossier/internal/account"
	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/document"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/evidence"
	"github.com/dossier/dossier/internal/indexer"
	"github.com/dossier/dossier/internal/recovery"
)

// Recorder appends audit events; audit.Log implements it.
type Recorder interface {
	Record(e dossier.Event)
}

// DurableRecorder is a Recorder that can also wait until an event is
// stored; audit.Log implements it. With one, a change is answered only once
// its audit event is stored, so a crash right after the answer cannot lose
// it.
type DurableRecorder interface {
	Recorder
	RecordDurable(ctx context.Context, e dossier.Event) error
}

// Checker is a dependency /readyz checks.
type Checker struct {
	Name  string
	Check func(ctx context.Context) error
}

// Server holds the API's dependencies.
type Server struct {
	Echo      *echo.Echo
	Log       *slog.Logger
	Accounts  *account.Service
	Cases     *casefile.Service
	Search    *indexer.Indexer
	Documents *document.Service
	Evidence  *evidence.Vault
	Bundles   *bundle.Service
	Recovery  *recovery.Service
	Audit     Recorder
	Trail     *audit.Trail
	Ready     []Checker
	Registry  *prometheus.Registry
	Version   string
	// ClientIP learns each request's client address (see ClientIP); nil
	// takes the connection's peer and never trusts X-Forwarded-For.
	ClientIP echo.IPExtractor
	// IdleIO is how long a client may pause while sending its request body
	// or taking the reply before the request is ended (see idleIO); 0
	// means DefaultIdleIO.
	IdleIO time.Duration
	// Location is the business time zone (DOSSIER_TZ): a date in a query
	// (search and audit from/to) is that calendar day there. Nil takes the
	// case service's zone.
	Location *time.Location
	// BasePath is the web front's path prefix (DOSSIER_BASE_PATH), the Path
	// of its session cookie, which an API logout with that cookie clears.
	BasePath string

	metrics *metrics
	actions map[string]string // "METHOD path" → audit action
}

// New builds the echo instance with middleware and every route.
func New(s *Server) *Server {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	// X-Forwarded-For is believed only from configured proxies: a client's
	// own would poison the audit trail and the login throttle.
	e.IPExtractor = s.ClientIP
	if e.IPExtractor == nil {
		e.IPExtractor = ClientIP(nil, false)
	}
	e.HTTPErrorHandler = ErrorHandler(s.Log)
	s.Echo = e
	s.actions = map[string]string{}
	if s.Registry == nil {
		s.Registry = prometheus.NewRegistry()
	}
	s.metrics = newMetrics(s.Registry)
	// The inner recoverer turns a handler's panic into an error that
	// observe still writes to the audit trail, metrics and access log; the
	// outer one covers the middleware itself.
	e.Use(s.recoverer, s.idleIO, s.requestID, s.observe, s.recoverer, s.authenticate, s.checkText)
	s.routes()
	return s
}

// noHead lists the GET routes that do not answer HEAD: a HEAD runs the GET's
// handler (net/http drops the body), and these would do a download's work
// or count one: a share link's HEAD from a mail scanner must not use up
// the link, nor a HEAD build a bundle or export or re-verify the trail.
var noHead = map[string]bool{"share.open": true, "share.download": true, "bundle.download": true,
	"audit.list": true, "audit.verify": true}

// route registers a handler under an audit action name. A GET route
// answers HEAD too (RFC 9110) unless noHead says otherwise: the same
// handler, recorded under the GET's action with "HEAD" in the detail;
// evidence content and document PDFs then send their headers without
// reading the bytes.
func (s *Server) route(method, path, action string, h echo.HandlerFunc) {
	r := s.Echo.Add(method, path, h)
	r.Name = action
	s.actions[method+" "+path] = action
	if method == http.MethodGet && !noHead[action] {
		s.Echo.Add(http.MethodHead, path, h).Name = action
	}
}

// Actions returns the audit action of every registered API route, keyed by
// "METHOD path" (tests enumerate it).
func (s *Server) Actions() map[string]string { return s.actions }

func (s *Server) routes() {
	s.route(http.MethodGet, "/healthz", "health.live", s.healthz)
	s.route(http.MethodGet, "/readyz", "health.ready", s.readyz)
	s.route(http.MethodGet, "/metrics", "health.metrics", s.metricsHandler)
	s.route(http.MethodGet, "/api/v1/openapi.json", "api.openapi", s.openapi)

	s.route(http.MethodPost, "/api/v1/auth/login", "auth.login", s.login)
	s.route(http.MethodPost, "/api/v1/auth/logout", "auth.logout", s.logout)
	s.route(http.MethodGet, "/api/v1/me", "user.me", s.me)
	s.route(http.MethodGet, "/api/v1/users", "user.list", s.listUsers)
	s.route(http.MethodPost, "/api/v1/users", "user.create", s.createUser)
	s.route(http.MethodPost, "/api/v1/cases/:case_id/grants", "grant.create", s.createGrant)
	s.route(http.MethodDelete, "/api/v1/cases/:case_id/grants/:user_id", "grant.delete", s.deleteGrant)

	s.route(http.MethodPost, "/api/v1/cases", "case.create", s.createCase)
	s.route(http.MethodGet, "/api/v1/cases", "case.list", s.listCases)
	s.route(http.MethodGet, "/api/v1/cases/:case_id", "case.read", s.getCase)
	s.route(http.MethodPatch, "/api/v1/cases/:case_id", "case.update", s.updateCase)
	s.route(http.MethodPost, "/api/v1/cases/:case_id/communications", "communication.create", s.addCommunication)
	s.route(http.MethodGet, "/api/v1/cases/:case_id/communications", "communication.list", s.listCommunications)

	s.route(http.MethodGet, "/api/v1/search", "search.run", s.search)

	s.route(http.MethodPost, "/api/v1/cases/:case_id/evidence", "evidence.upload", s.uploadEvidence)
	s.route(http.MethodGet, "/api/v1/cases/:case_id/evidence", "evidence.list", s.listEvidence)
	s.route(http.MethodGet, "/api/v1/evidence/:evidence_id", "evidence.read", s.getEvidence)
	s.route(http.MethodDelete, "/api/v1/evidence/:evidence_id", "evidence.delete", s.deleteEvidence)
	s.route(http.MethodGet, "/api/v1/evidence/:evidence_id/content", "evidence.download", s.evidenceContent)
	s.route(http.MethodGet, "/api/v1/evidence/:evidence_id/versions", "evidence.versions", s.listEvidenceVersions)
	s.route(http.MethodPost, "/api/v1/evidence/:evidence_id/versions", "evidence.upload_version", s.addEvidenceVersion)
	s.route(http.MethodGet, "/api/v1/evidence/:evidence_id/versions/:n/content", "evidence.download", s.evidenceContent)
	s.route(http.MethodPut, "/api/v1/evidence/:evidence_id/hold", "evidence.hold", s.holdEvidence)
	s.route(http.MethodPost, "/api/v1/evidence/:evidence_id/verify", "evidence.verify", s.verifyEvidence)

	s.route(http.MethodGet, "/api/v1/audit", "audit.list", s.listAudit)
	s.route(http.MethodGet, "/api/v1/audit/verify", "audit.verify", s.verifyAudit)
	s.route(http.MethodGet, "/api/v1/audit/checkpoints", "audit.checkpoints", s.auditCheckpoints)

	s.route(http.MethodGet, "/api/v1/templates", "template.list", s.listTemplates)
	s.route(http.MethodPost, "/api/v1/cases/:case_id/documents", "document.create", s.createDocument)
	s.route(http.MethodGet, "/api/v1/cases/:case_id/documents", "document.list", s.listDocuments)
	s.route(http.MethodGet, "/api/v1/documents/:did", "document.read", s.getDocument)
	s.route(http.MethodGet, "/api/v1/documents/:did/pdf", "document.download", s.documentPDF)
	s.route(http.MethodGet, "/api/v1/cases/:case_id/readiness", "document.readiness", s.readiness)

	s.route(http.MethodPost, "/api/v1/cases/:case_id/bundles", "bundle.create", s.createBundle)
	s.route(http.MethodGet, "/api/v1/cases/:case_id/bundles", "bundle.list", s.listBundles)
	s.route(http.MethodGet, "/api/v1/bundles/:bundle_id", "bundle.read", s.getBundle)
	s.route(http.MethodGet, "/api/v1/bundles/:bundle_id/download", "bundle.download", s.downloadBundle)
	s.route(http.MethodPost, "/api/v1/bundles/:bundle_id/shares", "share.create", s.createShare)
	s.route(http.MethodGet, "/api/v1/bundles/:bundle_id/shares", "share.list", s.listShares)
	s.route(http.MethodDelete, "/api/v1/bundles/:bundle_id/shares/:token", "share.revoke", s.revokeShare)
	s.route(http.MethodGet, "/s/:token", "share.open", s.openShare)
	s.route(http.MethodGet, "/s/:token/download", "share.download", s.shareDownload)

	s.route(http.MethodGet, "/api/v1/cases/:case_id/limitation", "limitation.read", s.getLimitation)
	s.route(http.MethodPost, "/api/v1/cases/:case_id/payments", "payment.create", s.addPayment)
	s.route(http.MethodGet, "/api/v1/cases/:case_id/payments", "payment.list", s.listPayments)
	s.route(http.MethodPost, "/api/v1/cases/:case_id/installment-plans", "plan.create", s.addPlan)
	s.route(http.MethodGet, "/api/v1/cases/:case_id/installment-plans", "plan.list", s.listPlans)
	s.route(http.MethodPost, "/api/v1/cases/:case_id/filings", "filing.create", s.addFiling)
	s.route(http.MethodGet, "/api/v1/cases/:case_id/filings", "filing.list", s.listFilings)
	s.route(http.MethodGet, "/api/v1/dashboard", "dashboard.read", s.dashboard)
}

// zone is the time zone of calendar dates in queries.
func (s *Server) zone() *time.Location {
	switch {
	case s.Location != nil:
		return s.Location
	case s.Cases != nil:
		return s.Cases.Zone()
	}
	return time.Local
}

// Handler returns the http.Handler to serve.
func (s *Server) Handler() http.Handler { return s.Echo }

// Shutdown drains in-flight requests.
func (s *Server) Shutdown(ctx context.Context) error { return s.Echo.Shutdown(ctx) }

func (s *Server) healthz(c echo.Context) error {
	return writeJSON(c, http.StatusOK, map[string]string{"status": "ok", "version": s.Version})
}

func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 5*time.Second)
	defer cancel()
	checks := map[string]string{}
	status := http.StatusOK
	for _, ch := range s.Ready {
		if err := ch.Check(ctx); err != nil {
			// The endpoint is public: the dependency's own public message
			// (e.g. "run `dossier reindex`"), never what it wraps (paths,
			// hosts, database users); the log gets the whole error.
			checks[ch.Name] = "unavailable"
			if dossier.ErrorCode(err) != dossier.EINTERNAL {
				checks[ch.Name] = dossier.ErrorMessage(err)
			}
			s.Log.Warn("readiness check failed", "check", ch.Name, "err", err)
			status = http.StatusServiceUnavailable
		} else {
			checks[ch.Name] = "ok"
		}
	}
	body := map[string]any{"status": "ok", "checks": checks}
	if status != http.StatusOK {
		body["status"] = "unavailable"
	}
	return writeJSON(c, status, body)
}
