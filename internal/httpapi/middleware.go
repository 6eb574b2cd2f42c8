package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dossier/dossier/internal/dossier"
)

type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "dossier_http_requests_total",
			Help: "HTTP requests by route, method and status."}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "dossier_http_request_duration_seconds",
			Help: "HTTP request latency by route, method and status.", Buckets: prometheus.DefBuckets},
			[]string{"route", "method", "status"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

func (s *Server) metricsHandler(c echo.Context) error {
	promhttp.HandlerFor(s.Registry, promhttp.HandlerOpts{}).ServeHTTP(c.Response(), c.Request())
	return nil
}

// recoverer turns a panic into an internal error: a bug must never take the
// server down or leave a request unanswered.
func (s *Server) recoverer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				err = &dossier.Error{Code: dossier.EINTERNAL, Err: fmt.Errorf("panic: %v", r)}
			}
		}()
		return next(c)
	}
}

func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		rid := c.Request().Header.Get(echo.HeaderXRequestID)
		if rid == "" || len(rid) > 64 || strings.ContainsAny(rid, "\r\n\"") {
			var b [8]byte
			_, _ = rand.Read(b[:])
			rid = hex.EncodeToString(b[:])
		}
		c.Response().Header().Set(echo.HeaderXRequestID, rid)
		return next(c)
	}
}

type actorKey struct{}

// actor returns the authenticated caller, or nil.
func actor(c echo.Context) *dossier.Actor {
	a, _ := c.Request().Context().Value(actorKey{}).(*dossier.Actor)
	return a
}

// WithActor stores the caller in ctx (the web front uses it for sessions).
func WithActor(ctx context.Context, a *dossier.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the caller stored by WithActor.
func ActorFrom(ctx context.Context) *dossier.Actor {
	a, _ := ctx.Value(actorKey{}).(*dossier.Actor)
	return a
}

// authenticate resolves a bearer token. A request without one continues
// anonymously; the policy then answers 401 where identity is needed. A
// present but bad token is refused at once.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		if h == "" {
			return next(c)
		}
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return dossier.Errorf(dossier.EUNAUTHENTICATED, "Authorization must be 'Bearer <token>'")
		}
		a, err := s.Accounts.Authenticate(c.Request().Context(), strings.TrimSpace(tok))
		if err != nil {
			return err
		}
		a.IP, a.UA = c.RealIP(), c.Request().UserAgent()
		c.SetRequest(c.Request().WithContext(WithActor(c.Request().Context(), a)))
		return next(c)
	}
}

// observe writes the access log, the metrics and the audit event of every
// request, including refused and failed ones.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		note := &dossier.AuditNote{}
		c.SetRequest(c.Request().WithContext(dossier.WithAuditNote(c.Request().Context(), note)))
		out := &sendWriter{ResponseWriter: c.Response().Writer}
		c.Response().Writer = out
		// A change is answered only once its event is stored: queued after
		// the answer, it was lost when the process died in the few
		// milliseconds before the writer stored it, and the client had been
		// told of a change the custody trail does not show. Reads stay
		// queued (batched, stored within Options.Linger).
		var err error
		recorded := false
		if d, ok := s.Audit.(DurableRecorder); ok && changes(c.Request().Method) {
			c.Response().Before(func() {
				recorded = true
				req := c.Request()
				ev := s.event(c, note, ActorFrom(req.Context()), c.Response().Status, err, start)
				if rerr := d.RecordDurable(req.Context(), ev); rerr != nil {
					s.Log.Error("audit event of a change not stored before its answer", "err", rerr,
						"request_id", ev.RequestID, "action", ev.Action)
				}
			})
		}
		err = next(c)
		// A handler that fails after its success status went out (a bundle
		// or evidence stream stopped by damaged bytes, a store failing
		// midway, the client gone) has sent a response that is not whole.
		broken := err != nil && c.Response().Committed && c.Response().Status < 400
		if err != nil {
			c.Error(err) // commits the problem response so the status is known
		}
		req, res := c.Request(), c.Response()
		status := res.Status
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		elapsed := time.Since(start)
		st := strconv.Itoa(status)
		s.metrics.requests.WithLabelValues(route, req.Method, st).Inc()
		s.metrics.latency.WithLabelValues(route, req.Method, st).Observe(elapsed.Seconds())
		a := ActorFrom(req.Context())
		rid := res.Header().Get(echo.HeaderXRequestID)
		lvl := s.Log.Info
		attrs := []any{"request_id", rid, "method", req.Method, "route", route, "status", status,
			"bytes", res.Size, "duration_ms", elapsed.Milliseconds(), "user", a.Username(), "ip", c.RealIP()}
		switch {
		case status >= 500:
			lvl = s.Log.Error
		case broken && out.err == nil && req.Context().Err() == nil:
			// The server failed midway (a store gone, damaged bytes), not
			// the client: an operator must see it although the status
			// line said 200.
			lvl = s.Log.Error
			attrs = append(attrs, "broken_off", true, "err", err)
		}
		lvl("request", attrs...)
		if s.Audit != nil && !recorded && route != "/healthz" && route != "/readyz" && route != "/metrics" {
			ev := s.event(c, note, a, status, err, start)
			if broken {
				why := ev.Detail
				if out.err != nil || req.Context().Err() != nil {
					// The handler's error only repeats the failed write (or
					// the read its leaving cancelled), and "internal error"
					// would blame the server.
					why = s.event(c, note, a, status, nil, start).Detail
					if why != "" {
						why += "; "
					}
					why += "the client stopped receiving"
				}
				// A read or download that did not arrive whole failed; a
				// change that was made (201 sent) stays made, and an
				// "error" would tell the auditor it was not.
				if req.Method == http.MethodGet || req.Method == http.MethodHead {
					ev.Outcome = dossier.OutcomeError
				}
				ev.Detail = truncate("broken off after "+st+" and "+strconv.FormatInt(res.Size, 10)+" bytes: "+why, 2000)
			}
			s.Audit.Record(ev)
		}
		if broken {
			// Never end such a response as if it were complete: a chunked
			// body would get its final chunk and a client would take a cut
			// ZIP for the bundle. Aborting drops the connection instead,
			// so every client sees the transfer fail.
			panic(http.ErrAbortHandler)
		}
		return nil
	}
}

// changes reports whether a request of this method may change something.
func changes(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// sendWriter remembers the first failed write of a response: the client
// stopped receiving it.
type sendWriter struct {
	http.ResponseWriter
	err error
}

func (w *sendWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// Unwrap lets http.ResponseController (echo's Flush) reach the connection.
func (w *sendWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// event builds the audit event of a finished request.
func (s *Server) event(c echo.Context, note *dossier.AuditNote, a *dossier.Actor, status int, err error, at time.Time) dossier.Event {
	req := c.Request()
	action := note.Action
	if action == "" {
		method := req.Method
		if method == http.MethodHead {
			method = http.MethodGet // see route
		}
		action = s.actions[method+" "+c.Path()]
	}
	// No handler of ours took the request: no route (a browser's
	// /favicon.ico, a mistyped address), or a route's path with a method it
	// does not take (405, OPTIONS), where echo names the route but no case.
	unserved := action == ""
	if unserved {
		action = "http." + strings.ToLower(req.Method)
	}
	caseID := note.CaseID
	if caseID == "" {
		caseID = c.Param("case_id")
	}
	objType, objID := note.ObjectType, note.ObjectID
	if objType == "" {
		objType, _, _ = strings.Cut(action, ".")
	}
	detail := note.Detail
	if unserved {
		// The action says only the method: what was asked for is all
		// there is to say.
		detail = req.Method + " " + truncate(req.URL.Path, 200)
		if note.Detail != "" {
			detail += "; " + note.Detail
		}
	} else if req.Method == http.MethodHead {
		// Headers only: nobody took a copy.
		detail = strings.TrimSpace("HEAD (headers only) " + detail)
	}
	if err != nil {
		// What was refused and why, field by field: an auditor reads here
		// that an upload did not match the digest declared for it.
		// Built once and only as far as the detail is kept: appending
		// each of tens of thousands of field errors (a 1 MiB body of
		// unknown keys, even to the unauthenticated login) to a growing
		// string took seconds of CPU and hundreds of MB per request.
		var b strings.Builder
		b.WriteString(detail)
		if detail != "" {
			b.WriteString("; ")
		}
		// echo's own errors (no route, wrong method) through the one
		// table: as they are, they read "internal error".
		err = FromEcho(err)
		b.WriteString(dossier.ErrorMessage(err))
		for _, f := range dossier.ErrorFields(err) {
			if b.Len() > maxDetail {
				break
			}
			b.WriteString("; " + f.Field + ": " + f.Message)
		}
		detail = b.String()
	}
	return dossier.Event{At: at, Actor: a.Username(), Role: string(a.RoleOf()), Action: action,
		ObjectType: objType, ObjectID: objID, CaseID: caseID, IP: c.RealIP(),
		UserAgent: truncate(req.UserAgent(), 300), RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
		Status: status, Outcome: dossier.OutcomeFor(status), Detail: truncate(detail, maxDetail)}
}

// maxDetail is the longest audit event detail kept.
const maxDetail = 2000

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
