package httpapi

import (
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// DefaultIdleIO is how long a client may keep the server waiting for the
// next bytes of its request body, or for it to take the next bytes of the
// reply, when Server.IdleIO is not set.
const DefaultIdleIO = 2 * time.Minute

// idleIO bounds how long a stalled client holds a connection, a handler
// and its buffers. The server sets no ReadTimeout or WriteTimeout: an
// upload or a download of gigabytes may rightly take hours. A client that
// stops sending its body (a Content-Length never reached, a chunked body
// that never ends) or stops reading the reply is what must not last: every
// body Read and reply Write gets a fresh deadline, so only a pause longer
// than IdleIO ends the request (an upload cut off so is a 400, as an
// interrupted one; a download so is logged as broken off).
func (s *Server) idleIO(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		d := s.IdleIO
		if d <= 0 {
			d = DefaultIdleIO
		}
		res, req := c.Response(), c.Request()
		rc := http.NewResponseController(res.Writer)
		// A deadline a previous request on this connection left; also
		// tells whether the writer has a connection at all.
		if rc.SetWriteDeadline(time.Time{}) != nil {
			return next(c)
		}
		var body *idleBody
		if req.Body != nil && req.Body != http.NoBody {
			body = &idleBody{ReadCloser: req.Body, rc: rc, d: d}
			req.Body = body
		}
		res.Writer = &idleWriter{ResponseWriter: res.Writer, rc: rc, d: d}
		defer func() {
			// The server flushes what is buffered of the reply after the
			// handler returns: give that its own window too.
			_ = rc.SetWriteDeadline(time.Now().Add(d))
			// Before it writes the reply's header it also reads and
			// discards what the handler left of the body (up to 256 KiB;
			// a refusal such as 401 reads none): that read must not wait
			// forever on a client that stopped, nor use up the window the
			// reply's writes then get (so only half of it).
			if body != nil && body.err == nil {
				_ = rc.SetReadDeadline(time.Now().Add(d / 2))
			}
		}()
		return next(c)
	}
}

// idleBody is a request body whose every Read must make progress within d.
// Once the body has ended (or failed) the deadline is left alone: net/http
// then reads the connection in the background to notice the client
// leaving, with no deadline, and one set now would cancel the request's
// context when it passed while the handler still worked.
type idleBody struct {
	io.ReadCloser
	rc  *http.ResponseController
	d   time.Duration
	err error // the first error (io.EOF at the end)
}

func (b *idleBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	_ = b.rc.SetReadDeadline(time.Now().Add(b.d))
	n, err := b.ReadCloser.Read(p)
	b.err = err
	return n, err
}

// idleWriter is a reply whose every Write must be taken within d.
type idleWriter struct {
	http.ResponseWriter
	rc *http.ResponseController
	d  time.Duration
}

func (w *idleWriter) Write(p []byte) (int, error) {
	_ = w.rc.SetWriteDeadline(time.Now().Add(w.d))
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController (Flush, deadlines) reach the
// connection's writer.
func (w *idleWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
