package httpapi_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// stalled sends a request whose body stops short of its end and never
// resumes, and returns the status the server answers with. Before the
// server bounded body pauses it never answered: the connection, its
// handler and its buffers were held for as long as the client liked.
func stalled(t *testing.T, addr, head, part string) int {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(head + part)); err != nil {
		t.Fatal(err)
	}
	// Only so that a server that never answers fails the test instead of
	// hanging it; the server's own limit in these tests is far shorter.
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a stalled body: %v", err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestInputStalledBody(t *testing.T) {
	e, _, admin := vaultEnv(t, "sqlite", "disk", 0, 1<<30)
	e.api.IdleIO = 300 * time.Millisecond
	c := e.createCase(admin, "2026-HZ-0001")
	addr := strings.TrimPrefix(e.srv.URL, "http://")
	auth := "Authorization: Bearer " + admin + "\r\n"

	t.Run("json content-length", func(t *testing.T) {
		head := "PATCH /api/v1/cases/" + c.ID + " HTTP/1.1\r\nHost: x\r\n" + auth +
			"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
		if got := stalled(t, addr, head, `{"title":"`); got != 400 {
			t.Fatalf("status %d, want 400", got)
		}
	})
	t.Run("json chunked", func(t *testing.T) {
		head := "POST /api/v1/cases HTTP/1.1\r\nHost: x\r\n" + auth +
			"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
		if got := stalled(t, addr, head, "a\r\n{\"title\":\"\r\n"); got != 400 {
			t.Fatalf("status %d, want 400", got)
		}
	})
	t.Run("upload", func(t *testing.T) {
		body := "--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ncontract\r\n" +
			"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n" + strings.Repeat("x", 5000)
		head := "POST /api/v1/cases/" + c.ID + "/evidence HTTP/1.1\r\nHost: x\r\n" + auth +
			"Content-Type: multipart/form-data; boundary=b\r\n" + fmt.Sprintf("Content-Length: %d\r\n\r\n", 1<<20)
		if got := stalled(t, addr, head, body); got != 400 {
			t.Fatalf("status %d, want 400", got)
		}
	})
	// A client that sends its body at its own pace is not cut off.
	t.Run("slow but moving", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		body := `{"title":"慢慢来"}`
		fmt.Fprintf(conn, "PATCH /api/v1/cases/%s HTTP/1.1\r\nHost: x\r\n%sContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", c.ID, auth, len(body))
		for i := 0; i < len(body); i += 4 {
			time.Sleep(100 * time.Millisecond)
			conn.Write([]byte(body[i:min(i+4, len(body))]))
		}
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("status %d", res.StatusCode)
		}
	})
}

// A client that stops reading a download does not hold the handler (and
// the open blob) forever: the transfer is ended and audited as broken off.
func TestInputStalledDownload(t *testing.T) {
	e, _, admin := vaultEnv(t, "sqlite", "disk", 0, 1<<30)
	e.api.IdleIO = 300 * time.Millisecond
	c := e.createCase(admin, "2026-HZ-0001")
	ev := e.mustUpload(admin, c.ID, "recording", "call.bin", randomBytes(64<<20), 201)
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(4 << 10)
	}
	fmt.Fprintf(conn, "GET /api/v1/evidence/%s/content HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", ev.ID, admin)
	// Read nothing; wait for the server to give up (30 s only guards a hang).
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		for _, x := range e.auditEvents("evidence.download") {
			if strings.Contains(x.Detail, "transfer interrupted") {
				return
			}
		}
		if time.Since(start) > 30*time.Second {
			t.Fatal("the download to a client that reads nothing never ended")
		}
	}
}

// A request refused before its body is read (401 here) is answered, and
// then net/http reads what is left of the body to reuse the connection: a
// client that stopped sending held that read, its goroutine and the
// connection forever. Now the server gives up and closes the connection.
func TestInputStalledUnreadBody(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.api.IdleIO = 300 * time.Millisecond
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"title\":")
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second)) // guards a hang only
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Fatalf("status %d", res.StatusCode)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("connection not closed by the server: %v", err)
	}
}

// A handler still working after it has read the whole body keeps its
// request context: a deadline set after the body's end would have
// reached net/http's background read and cancelled it.
func TestInputSlowHandlerAfterBody(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.api.IdleIO = 200 * time.Millisecond
	var ctxErr error
	e.api.Echo.POST("/api/v1/test-slow", func(c echo.Context) error {
		b, _ := io.ReadAll(c.Request().Body)
		c.Request().Body.Read(make([]byte, 10)) // once more after the end, as some decoders do
		time.Sleep(time.Second)
		ctxErr = c.Request().Context().Err()
		return c.String(200, string(b))
	})
	r := e.send("POST", "/api/v1/test-slow", "", "text/plain", []byte("hello"), nil)
	if r.Status != 200 || ctxErr != nil {
		t.Fatalf("%d %s, context: %v", r.Status, r.Body, ctxErr)
	}
}
