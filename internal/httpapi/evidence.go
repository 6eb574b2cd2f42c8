package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/evidence"
)

func (s *Server) vault() (*evidence.Vault, error) {
	if s.Evidence == nil {
		return nil, dossier.Errorf(dossier.EUNAVAILABLE, "the evidence vault is not configured")
	}
	return s.Evidence, nil
}

// multipartBody returns a streaming reader over a multipart/form-data body
// capped at the vault's limit; nothing is buffered here.
func (s *Server) multipartBody(c echo.Context, v *evidence.Vault) (*evidence.FormReader, error) {
	req := c.Request()
	if req.ContentLength > v.MaxBody() {
		return nil, dossier.Errorf(dossier.ETOOLARGE, "request body larger than the upload limit")
	}
	mt, params, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, dossier.Errorf(dossier.EUNSUPPORTED, "request body must be multipart/form-data with a part named file")
	}
	if err := identityBody(c); err != nil {
		return nil, err
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, v.MaxBody())
	return evidence.NewFormReader(req.Body, params["boundary"]), nil
}

func (s *Server) uploadEvidence(c echo.Context) error {
	return s.ingest(c, func(v *evidence.Vault, ctx context.Context, a *dossier.Actor, mr *evidence.FormReader) (*dossier.Evidence, bool, error) {
		return v.Ingest(ctx, a, c.Param("case_id"), mr)
	})
}

func (s *Server) addEvidenceVersion(c echo.Context) error {
	return s.ingest(c, func(v *evidence.Vault, ctx context.Context, a *dossier.Actor, mr *evidence.FormReader) (*dossier.Evidence, bool, error) {
		return v.AddVersion(ctx, a, c.Param("evidence_id"), mr)
	})
}

// ingest streams a multipart upload into the vault: 201 when something new
// was stored, 200 when the bytes were already there.
func (s *Server) ingest(c echo.Context, store func(*evidence.Vault, context.Context, *dossier.Actor, *evidence.FormReader) (*dossier.Evidence, bool, error)) error {
	v, err := s.vault()
	if err != nil {
		return err
	}
	if err := needActor(c); err != nil {
		return err
	}
	mr, err := s.multipartBody(c, v)
	if err != nil {
		return err
	}
	out, created, err := store(v, c.Request().Context(), actor(c), mr)
	if err != nil {
		return err
	}
	if created {
		return writeJSON(c, http.StatusCreated, out)
	}
	return writeJSON(c, http.StatusOK, out)
}

func (s *Server) listEvidence(c echo.Context) error {
	v, err := s.vault()
	if err != nil {
		return err
	}
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	f := dossier.EvidenceFilter{CaseID: c.Param("case_id"), Kind: dossier.EvidenceKind(c.QueryParam("kind")),
		IncludeDeleted: c.QueryParam("include_deleted") == "true", Page: p}
	items, total, next, err := v.List(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, List[*dossier.Evidence]{Items: items, Total: total, Next: next})
}

func (s *Server) getEvidence(c echo.Context) error {
	v, err := s.vault()
	if err != nil {
		return err
	}
	out, err := v.Get(c.Request().Context(), actor(c), c.Param("evidence_id"))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, out)
}

func (s *Server) listEvidenceVersions(c echo.Context) error {
	v, err := s.vault()
	if err != nil {
		return err
	}
	items, err := v.Versions(c.Request().Context(), actor(c), c.Param("evidence_id"))
	if err != nil {
		return err
	}
	return writePage(c, items)
}

// holdRequest is the body of PUT .../hold.
type holdRequest struct {
	Hold   *bool  `json:"hold"`
	Reason string `json:"reason"`
}

func (s *Server) holdEvidence(c echo.Context) error {
	v, err := s.vault()
	if err != nil {
		return err
	}
	if err := needActor(c); err != nil {
		return err
	}
	var in holdRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	out, err := v.Hold(c.Request().Context(), actor(c), c.Param("evidence_id"), in.Hold, in.Reason)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, out)
}

func (s *Server) deleteEvidence(c echo.Context) error {
	v, err := s.vault()
	if err != nil {
		return err
	}
	if err := v.Delete(c.Request().Context(), actor(c), c.Param("evidence_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) verifyEvidence(c echo.Context) error {
	v, err := s.vault()
	if err != nil {
		return err
	}
	out, err := v.Verify(c.Request().Context(), actor(c), c.Param("evidence_id"))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, out)
}

// evidenceContent sends the exact stored bytes of a version, with the
// headers a court or a client needs to check them (ETag and Repr-Digest
// carry the sha256) and a single byte range for seeking in recordings.
func (s *Server) evidenceContent(c echo.Context) error {
	v, err := s.vault()
	if err != nil {
		return err
	}
	n, err := evidence.ParseVersion(c.Param("n"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	ct, err := v.Content(ctx, actor(c), c.Param("evidence_id"), n)
	if err != nil {
		return err
	}
	ver := ct.Version
	req, h := c.Request(), c.Response().Header()
	etag := `"` + ver.SHA256 + `"`
	h.Set("ETag", etag)
	if !ifMatch(req.Header.Values("If-Match"), etag) {
		return dossier.Errorf(dossier.EPRECONDITION, "If-Match does not match the content's ETag %s", etag)
	}
	sum, _ := hex.DecodeString(ver.SHA256)
	b64 := base64.StdEncoding.EncodeToString(sum)
	h.Set("Repr-Digest", "sha-256=:"+b64+":")
	h.Set("Digest", "SHA-256="+b64) // RFC 3230, for older clients
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Disposition", attachment(ver.Filename))
	h.Set("X-Content-Type-Options", "nosniff")
	// Evidence may be HTML or SVG from anywhere: never let it run as ours.
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("Cache-Control", "private, no-cache")
	if etagMatches(req.Header.Get("If-None-Match"), ver.SHA256) {
		return c.NoContent(http.StatusNotModified)
	}
	start, end, partial, err := byteRange(req.Header.Get("Range"), ver.Size)
	if ir := req.Header.Get("If-Range"); ir != "" && ir != etag {
		start, end, partial, err = 0, ver.Size, false, nil // changed since: send it all
	}
	if err != nil {
		h.Set("Content-Range", fmt.Sprintf("bytes */%d", ver.Size))
		return err
	}
	length := end - start
	if req.Method == http.MethodHead {
		// Open still checks that the bytes are there, at their size, and
		// reads none (on S3 a read would start a GET of the object).
		length = 0
	}
	rc, err := ct.Open(ctx, start, length)
	if err != nil {
		return err
	}
	defer rc.Close()
	h.Set(echo.HeaderContentType, ver.MediaType)
	h.Set(echo.HeaderContentLength, strconv.FormatInt(end-start, 10))
	status := http.StatusOK
	if partial {
		status = http.StatusPartialContent
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end-1, ver.Size))
		dossier.NoteFrom(ctx).Detail += fmt.Sprintf(" range %d-%d", start, end-1)
	}
	c.Response().WriteHeader(status)
	if req.Method == http.MethodHead {
		return nil
	}
	if _, err := io.CopyBuffer(c.Response(), rc, make([]byte, 256<<10)); err != nil {
		// The status is sent; the audit event still says the transfer broke.
		dossier.NoteFrom(ctx).Detail += "; transfer interrupted"
		return &dossier.Error{Code: dossier.EINTERNAL, Err: err}
	}
	return nil
}

// ifMatch implements If-Match (RFC 9110 §13.1.1) for the ETag etag: true
// without the header, for "*" (the content exists by now) and for a list
// naming etag, compared strongly (a weak W/ tag never matches). A client
// resuming a download of one version must not get the bytes of another.
func ifMatch(values []string, etag string) bool {
	header := strings.TrimSpace(strings.Join(values, ","))
	if header == "" {
		return true
	}
	for _, t := range strings.Split(header, ",") {
		if t = strings.TrimSpace(t); t == "*" || t == etag {
			return true
		}
	}
	return false
}

// etagMatches implements If-None-Match for our strong sha256 ETags.
func etagMatches(header, sha string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == `"`+sha+`"` {
			return true
		}
	}
	return false
}

var errRange = dossier.Errorf(dossier.ERANGE, "requested range not satisfiable")

// byteRange parses a single-range "bytes=" header into [start, end).
// Headers we do not serve (other units, several ranges, bad syntax) are
// ignored as RFC 9110 allows, giving the whole content; a well-formed range
// outside the content is ERANGE (416). Positions too large for int64 are
// still positions (RFC 9110 §14.1.1 sets no limit): a last-pos or suffix
// beyond the end means the end, a first-pos beyond it is 416. They were
// ignored, so a download resumed with "bytes=N-<huge>" restarted at 0.
func byteRange(h string, size int64) (start, end int64, partial bool, err error) {
	// Range unit names are case-insensitive (RFC 9110 §14.1).
	unit, spec, ok := strings.Cut(h, "=")
	if !ok || !strings.EqualFold(unit, "bytes") || strings.Contains(spec, ",") {
		return 0, size, false, nil
	}
	first, last, ok := strings.Cut(strings.TrimSpace(spec), "-")
	if !ok {
		return 0, size, false, nil
	}
	if first == "" { // suffix: the last N bytes
		n, ok := rangePos(last)
		if !ok {
			return 0, size, false, nil
		}
		if n == 0 {
			return 0, 0, false, errRange
		}
		return max(size-n, 0), size, true, nil
	}
	a, ok := rangePos(first)
	if !ok {
		return 0, size, false, nil
	}
	b := size - 1
	if last != "" {
		if b, ok = rangePos(last); !ok || b < a {
			return 0, size, false, nil
		}
	}
	if a >= size {
		return 0, 0, false, errRange
	}
	return a, min(b, size-1) + 1, true, nil
}

// rangePos reads a byte position (1*DIGIT); one past int64 is
// math.MaxInt64, beyond any content.
func rangePos(s string) (int64, bool) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil { // only a range error is left
		return math.MaxInt64, true
	}
	return n, true
}

// attachment builds a Content-Disposition that survives any filename: an
// ASCII fallback for old clients and the exact UTF-8 name as an RFC 5987
// filename* (Chinese names included).
func attachment(name string) string {
	var fb, ext strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r == 0x7f || r > 0x7e || r == '"' || r == '\\' || r == '%':
			fb.WriteByte('_')
		default:
			fb.WriteRune(r)
		}
	}
	for _, b := range []byte(name) {
		if isAttrChar(b) {
			ext.WriteByte(b)
		} else {
			fmt.Fprintf(&ext, "%%%02X", b)
		}
	}
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, fb.String(), ext.String())
}

// isAttrChar is RFC 5987's attr-char: the bytes allowed unescaped.
func isAttrChar(b byte) bool {
	switch {
	case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", b) >= 0
}
