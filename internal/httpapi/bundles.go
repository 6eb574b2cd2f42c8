package httpapi

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/dossier"
)

func (s *Server) createBundle(c echo.Context) error {
	if err := needActor(c); err != nil {
		return err
	}
	var in dossier.BundleRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	b, err := s.Bundles.Create(c.Request().Context(), actor(c), c.Param("case_id"), &in)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusCreated, b)
}

func (s *Server) listBundles(c echo.Context) error {
	items, err := s.Bundles.List(c.Request().Context(), actor(c), c.Param("case_id"))
	if err != nil {
		return err
	}
	return writePage(c, items)
}

func (s *Server) getBundle(c echo.Context) error {
	b, err := s.Bundles.Get(c.Request().Context(), actor(c), c.Param("bundle_id"))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, b)
}

func (s *Server) downloadBundle(c echo.Context) error {
	sh, err := s.Bundles.ForDownload(c.Request().Context(), actor(c), c.Param("bundle_id"))
	if err != nil {
		return err
	}
	if err := s.Bundles.StoreReady(c.Request().Context()); err != nil {
		return err
	}
	return s.streamBundle(c, sh)
}

// streamBundle sends the ZIP. Once the header is out an error can only cut
// the stream short: the ZIP then lacks its central directory and no reader
// accepts it, which is the point.
func (s *Server) streamBundle(c echo.Context, sh *bundle.Shared) error {
	lang := "zh"
	if c.QueryParam("lang") == "en" {
		lang = "en"
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "application/zip")
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": bundle.DownloadName(sh)}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	c.Response().WriteHeader(http.StatusOK)
	err := s.Bundles.WriteZip(c.Request().Context(), c.Response(), sh.Bundle, sh.Case, lang)
	if err != nil {
		// The error handler stays silent once the response is committed:
		// say here which bundle stopped and why (never the URL: it may hold
		// a share token).
		rid := c.Response().Header().Get(echo.HeaderXRequestID)
		if errors.Is(err, blob.ErrCorrupt) || errors.Is(err, blob.ErrNotExist) {
			s.Log.Error("bundle download stopped: stored bytes do not match the record", "request_id", rid,
				"bundle", sh.Bundle.ID, "err", err)
		} else if blob.Unavailable(err) {
			s.Log.Error("bundle download stopped: blob store unavailable", "request_id", rid,
				"bundle", sh.Bundle.ID, "err", err)
		} else {
			s.Log.Info("bundle download interrupted", "request_id", rid, "bundle", sh.Bundle.ID, "err", err)
		}
	}
	return err
}

func (s *Server) createShare(c echo.Context) error {
	if err := needActor(c); err != nil {
		return err
	}
	var in bundle.ShareInput
	if err := decode(c, &in); err != nil {
		return err
	}
	out, err := s.Bundles.CreateShare(c.Request().Context(), actor(c), c.Param("bundle_id"), in)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusCreated, out)
}

func (s *Server) listShares(c echo.Context) error {
	items, err := s.Bundles.Shares(c.Request().Context(), actor(c), c.Param("bundle_id"))
	if err != nil {
		return err
	}
	return writePage(c, items)
}

func (s *Server) revokeShare(c echo.Context) error {
	if err := s.Bundles.RevokeShare(c.Request().Context(), actor(c), c.Param("bundle_id"), c.Param("token")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// openShare answers a share link: the ZIP, or for a client that prefers
// HTML (a browser) a landing page whose button leads to /s/{token}/download.
// The button's link is relative to the page ("./{token}/download"), so it
// keeps whatever path prefix a proxy serves Dossier under
// (DOSSIER_BASE_URL=https://firm.example/dossier/), which a link from the
// site root would drop.
func (s *Server) openShare(c echo.Context) error {
	c.Response().Header().Add("Vary", "Accept")
	sh, err := s.Bundles.OpenShare(c.Request().Context(), c.Param("token"), c.RealIP())
	if err != nil {
		return s.shareRefused(c, err)
	}
	if !prefersHTML(c.Request().Header.Get(echo.HeaderAccept)) {
		return s.shareRefused(c, s.shareZip(c, sh))
	}
	sharePageHeaders(c.Response().Header())
	c.Response().WriteHeader(http.StatusOK)
	return bundle.WriteLanding(c.Response(), sh, "./"+url.PathEscape(c.Param("token"))+"/download", s.zone())
}

func (s *Server) shareDownload(c echo.Context) error {
	c.Response().Header().Add("Vary", "Accept")
	sh, err := s.Bundles.OpenShare(c.Request().Context(), c.Param("token"), c.RealIP())
	if err != nil {
		return s.shareRefused(c, err)
	}
	return s.shareRefused(c, s.shareZip(c, sh))
}

// sharePageHeaders are the headers of the pages a share link shows: no
// scripts, no referrer (the token is in the URL), never cached.
func sharePageHeaders(h http.Header) {
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
}

// shareRefused shows a browser whose link leads nowhere (404) or who
// guessed too many links (429) a short bilingual page instead of
// problem+json, with the same status and Retry-After. Its recipients are
// outside lawyers without an account. err is still returned, so the audit
// event records why; the error handler writes nothing more once the
// response is committed.
func (s *Server) shareRefused(c echo.Context, err error) error {
	code := dossier.ErrorCode(err)
	if err == nil || c.Response().Committed || (code != dossier.ENOTFOUND && code != dossier.ERATELIMITED) ||
		!prefersHTML(c.Request().Header.Get(echo.HeaderAccept)) {
		return err
	}
	retry := 0
	var de *dossier.Error
	if errors.As(err, &de) && code == dossier.ERATELIMITED {
		retry = de.RetryAfter
		c.Response().Header().Set("Retry-After", strconv.Itoa(retry))
	}
	sharePageHeaders(c.Response().Header())
	c.Response().WriteHeader(Status(err))
	if werr := bundle.WriteEnded(c.Response(), retry); werr != nil {
		s.Log.Info("share page interrupted", "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", werr)
	}
	return err
}

// shareZip counts the download (refused once the limit is reached, even by
// a concurrent request) before the first byte goes out.
func (s *Server) shareZip(c echo.Context, sh *bundle.Shared) error {
	// A store that is down answers 503 before the download is counted.
	if err := s.Bundles.StoreReady(c.Request().Context()); err != nil {
		return err
	}
	if err := s.Bundles.ClaimDownload(c.Request().Context(), sh, c.RealIP(), c.Request().UserAgent()); err != nil {
		return err
	}
	return s.streamBundle(c, sh)
}

// prefersHTML reports whether an Accept header ranks text/html above
// application/zip, by RFC 9110 q-values with the most specific range
// deciding each type's weight. A missing header or */* gets the ZIP.
func prefersHTML(accept string) bool {
	if strings.TrimSpace(accept) == "" {
		return false
	}
	html, _ := acceptQ(accept, "text", "html")
	zip, _ := acceptQ(accept, "application", "zip")
	return html > 0 && html > zip
}

// prefersCSV reports whether an Accept header asks for text/csv rather than
// application/json: CSV weighs more, or as much when named itself and JSON
// only through a wildcard ("text/csv, */*"). A missing header gets JSON.
func prefersCSV(accept string) bool {
	if strings.TrimSpace(accept) == "" {
		return false
	}
	csv, csvSpec := acceptQ(accept, "text", "csv")
	js, jsSpec := acceptQ(accept, "application", "json")
	return csv > 0 && (csv > js || csv == js && csvSpec == 2 && jsSpec < 2)
}

// acceptQ returns the weight Accept gives type/sub (0 when not acceptable)
// and how specific the range that decided it was (2 type/sub, 1 type/*,
// 0 */*, -1 none).
func acceptQ(accept, typ, sub string) (float64, int) {
	best, q := -1, 0.0
	for _, r := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(r))
		if err != nil {
			continue
		}
		t, st, _ := strings.Cut(mt, "/")
		spec := -1
		switch {
		case t == typ && st == sub:
			spec = 2
		case t == typ && st == "*":
			spec = 1
		case t == "*" && st == "*":
			spec = 0
		}
		if spec <= best {
			continue
		}
		w := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
				w = f
			}
		}
		best, q = spec, w
	}
	return q, best
}
