package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

func runServe(ctx context.Context, cfg *Config, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "dossier serve: takes no arguments; configure it with the environment (dossier --help)")
		return 2
	}
	if err := serve(ctx, cfg, stdout, stderr, nil); err != nil {
		fmt.Fprintln(stderr, "dossier serve:", err)
		return 1
	}
	return 0
}

// serve runs the service until ctx is cancelled, then drains in-flight
// requests. onListen, when set, learns the bound address (tests use ":0").
func serve(ctx context.Context, cfg *Config, stdout, logw io.Writer, onListen func(addr string)) error {
	gcPercent := dossier.SetServerGC()
	app, err := wire(ctx, cfg, logw)
	if err != nil {
		return err
	}
	defer func() {
		c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		app.Close(c)
	}()
	// Bound before admin is made: a first start that cannot listen must not
	// print the once-only password above its error and leave none for the
	// start that serves.
	ln, err := listen(cfg)
	if err != nil {
		return fmt.Errorf("listen on %s (DOSSIER_ADDR): %w", cfg.Addr, err)
	}
	if err := app.bootstrap(ctx, stdout); err != nil {
		ln.Close()
		return err
	}
	addr := ln.Addr().String()
	srv := &http.Server{Handler: app.Handler(), ReadHeaderTimeout: 20 * time.Second, IdleTimeout: 2 * time.Minute}
	if path := cfg.Unix(); path != "" {
		addr = "unix:" + path
	}
	app.Log.Info("listening", "addr", addr, "data", cfg.DataDir, "metadata", app.Store.Dialect(), "version", version, "gogc", gcPercent)
	if cfg.Unix() != "" {
		fmt.Fprintf(stdout, "Dossier is listening on %s for %s\n", addr, cfg.BaseURL)
	} else {
		fmt.Fprintf(stdout, "Dossier is running at http://%s\n", addr)
	}
	if onListen != nil {
		onListen(addr)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	app.Log.Info("shutting down: draining in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Handler is the root handler: the API and, when present, the web pages.
func (a *App) Handler() http.Handler { return a.API.Handler() }

// socketMode lets the socket's owner and group connect: the reverse proxy
// runs as a member of the service's group. Others cannot.
const socketMode = 0o660

// listen opens DOSSIER_ADDR: a TCP address, or a unix socket the reverse
// proxy in front connects to. A socket file left by a process that died
// without closing it is replaced; one another process still answers on,
// or any file that is not a socket, is never touched. The socket file is
// removed when the server closes it.
func listen(cfg *Config) (net.Listener, error) {
	path := cfg.Unix()
	if path == "" {
		return net.Listen("tcp", cfg.Addr)
	}
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode().Type() != os.ModeSocket {
			return nil, fmt.Errorf("%s exists and is not a socket", path)
		}
		if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("another process is listening on %s", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, socketMode); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}
