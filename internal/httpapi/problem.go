package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/dossier"
)

// codes is THE table from error code to HTTP status.
var codes = map[string]int{
	dossier.EMALFORMED:       http.StatusBadRequest,
	dossier.EUNAUTHENTICATED: http.StatusUnauthorized,
	dossier.EFORBIDDEN:       http.StatusForbidden,
	dossier.ENOTFOUND:        http.StatusNotFound,
	dossier.ECONFLICT:        http.StatusConflict,
	dossier.ETOOLARGE:        http.StatusRequestEntityTooLarge,
	dossier.EUNSUPPORTED:     http.StatusUnsupportedMediaType,
	dossier.EINVALID:         http.StatusUnprocessableEntity,
	dossier.EPRECONDITION:    http.StatusPreconditionFailed,
	dossier.ERANGE:           http.StatusRequestedRangeNotSatisfiable,
	dossier.ELOCKED:          http.StatusLocked,
	dossier.ERATELIMITED:     http.StatusTooManyRequests,
	dossier.EUNAVAILABLE:     http.StatusServiceUnavailable,
	dossier.EINTERNAL:        http.StatusInternalServerError,
}

// Status returns the HTTP status for err.
func Status(err error) int {
	if s, ok := codes[dossier.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type      string               `json:"type"`
	Title     string               `json:"title"`
	Status    int                  `json:"status"`
	Detail    string               `json:"detail,omitempty"`
	Instance  string               `json:"instance,omitempty"`
	RequestID string               `json:"request_id,omitempty"`
	Errors    []dossier.FieldError `json:"errors,omitempty"`
}

// FromEcho turns echo's own errors (unknown route, method, body limit) into
// domain errors so that one table decides every status.
func FromEcho(err error) error {
	var he *echo.HTTPError
	if !errors.As(err, &he) {
		return err
	}
	msg := http.StatusText(he.Code)
	switch he.Code {
	case http.StatusNotFound:
		return dossier.Errorf(dossier.ENOTFOUND, "no such resource")
	case http.StatusMethodNotAllowed:
		return &dossier.Error{Code: "method_not_allowed", Message: "method not allowed"}
	case http.StatusRequestEntityTooLarge:
		return dossier.Errorf(dossier.ETOOLARGE, "request body too large")
	case http.StatusUnsupportedMediaType:
		return dossier.Errorf(dossier.EUNSUPPORTED, "unsupported media type")
	case http.StatusUnauthorized:
		return dossier.Errorf(dossier.EUNAUTHENTICATED, "authentication required")
	case http.StatusForbidden:
		return dossier.Errorf(dossier.EFORBIDDEN, "forbidden")
	case http.StatusServiceUnavailable:
		return dossier.Errorf(dossier.EUNAVAILABLE, "%s", msg)
	}
	if he.Code >= 400 && he.Code < 500 {
		return dossier.Errorf(dossier.EMALFORMED, "%s", msg)
	}
	return &dossier.Error{Code: dossier.EINTERNAL, Err: err}
}

// ErrorHandler is the echo HTTPErrorHandler: the only place a status is
// decided. Internal errors are logged with the request ID; the client sees
// "internal error" and never driver text.
func ErrorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		err = FromEcho(err)
		code := dossier.ErrorCode(err)
		status, ok := codes[code]
		if code == "method_not_allowed" {
			status, ok = http.StatusMethodNotAllowed, true
		}
		if !ok {
			status = http.StatusInternalServerError
		}
		rid := c.Response().Header().Get(echo.HeaderXRequestID)
		if status == http.StatusInternalServerError {
			log.Error("internal error", "request_id", rid, "method", c.Request().Method,
				"path", loggedPath(c.Path(), c.Request().URL.Path), "err", err)
		}
		p := Problem{Type: "https://dossier.invalid/problems/" + code, Title: http.StatusText(status),
			Status: status, Detail: dossier.ErrorMessage(err), Instance: c.Request().URL.Path,
			RequestID: rid, Errors: dossier.ErrorFields(err)}
		if code == "method_not_allowed" {
			p.Detail = "method not allowed"
		}
		var de *dossier.Error
		if errors.As(err, &de) && de.RetryAfter > 0 {
			c.Response().Header().Set("Retry-After", strconv.Itoa(de.RetryAfter))
		}
		if status == http.StatusUnauthorized {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="dossier"`)
		}
		c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
		c.Response().WriteHeader(status)
		if c.Request().Method == http.MethodHead {
			return
		}
		_ = jsonEncode(c.Response(), p)
	}
}

// loggedPath is the path an error log names: the request's own, except on
// a share link's routes (/s/{token}…), whose path is the live link itself
// and would hand the bundle to anyone reading the logs; those are named by
// their route.
func loggedPath(route, path string) string {
	if strings.HasPrefix(route, "/s/") {
		return route
	}
	return path
}
