package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
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
	if err := app.bootstrap(ctx, stdout); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (DOSSIER_ADDR): %w", cfg.Addr, err)
	}
	addr := ln.Addr().String()
	srv := &http.Server{Handler: app.Handler(), ReadHeaderTimeout: 20 * time.Second, IdleTimeout: 2 * time.Minute}
	app.Log.Info("listening", "addr", addr, "data", cfg.DataDir, "metadata", app.Store.Dialect(), "version", version, "gogc", gcPercent)
	fmt.Fprintf(stdout, "Dossier is running at http://%s\n", addr)
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
