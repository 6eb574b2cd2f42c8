package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dossier/dossier/internal/account"
	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/blob/s3"
	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/document"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/evidence"
	"github.com/dossier/dossier/internal/httpapi"
	"github.com/dossier/dossier/internal/indexer"
	"github.com/dossier/dossier/internal/recovery"
	"github.com/dossier/dossier/internal/search"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/web"
)

// App is the wired service: adapters chosen from Config, capabilities on top.
type App struct {
	Cfg      *Config
	Log      *slog.Logger
	Store    *sqlstore.DB
	Blobs    blob.Store
	Audit    *audit.Log
	Accounts *account.Service
	Cases    *casefile.Service
	Indexer  *indexer.Indexer
	Docs     *document.Service
	Evidence *evidence.Vault
	API      *httpapi.Server
	closers  []func(context.Context) error
}

func newLogger(cfg *Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// openStore opens the metadata store chosen by the configuration.
// Its errors name the setting to fix; the URL itself is not repeated, since
// it may hold a password.
func openStore(ctx context.Context, cfg *Config) (*sqlstore.DB, error) {
	if cfg.DatabaseURL != "" {
		db, err := sqlstore.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return nil, fmt.Errorf("DATABASE_URL: %w", err)
		}
		return db, nil
	}
	if err := makeDataDir(cfg); err != nil {
		return nil, err
	}
	db, err := sqlstore.Open(ctx, filepath.Join(cfg.DataDir, "dossier.db"))
	if err != nil {
		return nil, fmt.Errorf("DOSSIER_DATA=%s: %w", cfg.DataDir, err)
	}
	return db, nil
}

// makeDataDir creates the data directory, or says which setting names one
// that cannot be made.
func makeDataDir(cfg *Config) error {
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("DOSSIER_DATA=%s: data directory: %w", cfg.DataDir, err)
	}
	return nil
}

// openBlobs opens the blob store chosen by the configuration.
func openBlobs(ctx context.Context, cfg *Config) (blob.Store, error) {
	if cfg.S3Endpoint == "" {
		s, err := disk.New(filepath.Join(cfg.DataDir, "blobs"))
		if err != nil {
			return nil, fmt.Errorf("DOSSIER_DATA=%s: %w", cfg.DataDir, err)
		}
		return s, nil
	}
	s, err := s3.New(ctx, s3Config(cfg))
	if err != nil {
		return nil, fmt.Errorf("DOSSIER_S3_ENDPOINT=%s, DOSSIER_S3_BUCKET=%s: %w", cfg.S3Endpoint, cfg.S3Bucket, err)
	}
	// Locking is chosen when a bucket is made and never added later: on a
	// bucket made without it, evidence would stay deletable in the store
	// although the operator asked for the store to refuse.
	if cfg.S3ObjectLock && !s.Locking() {
		return nil, fmt.Errorf("DOSSIER_S3_OBJECT_LOCK=true, but bucket %s (DOSSIER_S3_BUCKET) exists without object locking, "+
			"which cannot be turned on later: name a new bucket, which will be created locked, or copy the objects into one", cfg.S3Bucket)
	}
	return s, nil
}

func s3Config(cfg *Config) s3.Config {
	return s3.Config{Endpoint: cfg.S3Endpoint, Bucket: cfg.S3Bucket, AccessKey: cfg.S3AccessKey,
		SecretKey: cfg.S3SecretKey, Secure: cfg.S3Secure, Region: cfg.S3Region, ObjectLocking: cfg.S3ObjectLock}
}

// wire builds the whole application. Close releases it.
func wire(ctx context.Context, cfg *Config, logw io.Writer) (*App, error) {
	a := &App{Cfg: cfg, Log: newLogger(cfg, logw)}
	var err error
	if a.Store, err = openStore(ctx, cfg); err != nil {
		return nil, err
	}
	a.closers = append(a.closers, func(context.Context) error { return a.Store.Close() })
	if a.Blobs, err = openBlobs(ctx, cfg); err != nil {
		a.Close(ctx)
		return nil, fmt.Errorf("blob store: %w", err)
	}
	if err := makeDataDir(cfg); err != nil {
		a.Close(ctx)
		return nil, err
	}
	a.Audit, err = audit.Open(ctx, a.Store, auditKeyPath(cfg), audit.Options{Logger: a.Log})
	if err != nil {
		a.Close(ctx)
		return nil, fmt.Errorf("audit: %w", err)
	}
	// Stopped before the store closes: closers run in reverse.
	a.closers = append(a.closers, a.Audit.Close)
	a.Accounts = account.New(a.Store, cfg.TokenTTL)
	a.Cases = &casefile.Service{Store: a.Store, Now: time.Now, Location: cfg.TimeZone, Compliance: &casefile.Compliance{
		Location: cfg.TimeZone, StartHour: cfg.ContactStart, EndHour: cfg.ContactEnd, MaxPerDay: cfg.ContactMaxDay}}
	// A missing or corrupt index does not stop the service: /readyz answers
	// 503 with the reason until `dossier reindex` rebuilds it.
	// Held while serving, so that a reindex cannot swap the index away.
	unlock, err := lockIndex(cfg)
	if err != nil {
		a.Close(ctx)
		return nil, fmt.Errorf("DOSSIER_DATA=%s: %w", cfg.DataDir, err)
	}
	a.closers = append(a.closers, func(context.Context) error { unlock(); return nil })
	a.Indexer = &indexer.Indexer{Store: a.Store, Blobs: a.Blobs, Extract: indexer.ExtractText, Log: a.Log,
		Workers: cfg.IndexWorkers}
	if reason := openIndex(ctx, cfg, a.Indexer); reason != "" {
		// Everything but search works meanwhile; uploads queue their jobs.
		a.Log.Warn("search index unusable; rebuilding it from the metadata and blobs", "reason", reason)
		a.closers = append(a.closers, a.rebuildIndex(ctx, cfg, reason))
	} else {
		ix := a.Indexer.Index
		a.closers = append(a.closers, func(context.Context) error { return ix.Close() })
		if err := a.Indexer.Start(ctx); err != nil {
			a.Close(ctx)
			return nil, err
		}
		a.closers = append(a.closers, a.Indexer.Close)
	}
	a.Evidence = newVault(cfg, a.Store, a.Blobs, a.Log)
	a.Evidence.OnIngest = a.Indexer.Notify
	// Builds a crash cut left their temp files; no other serve builds here
	// (the index lock above is held).
	workDir := filepath.Join(cfg.DataDir, "bundle-work")
	if n, err := bundle.RemoveLeftovers(workDir); err != nil {
		a.Log.Warn("bundle: leftover build files not removed", "err", err)
	} else if n > 0 {
		a.Log.Info("bundle: removed the temp files of builds cut by a crash", "builds", n)
	}
	bundles, err := bundle.New(bundle.Config{Cases: a.Store, Evidence: a.Store, Documents: a.Store,
		Bundles: a.Store, Blobs: a.Blobs, WorkDir: workDir, BaseURL: cfg.BaseURL})
	if err != nil {
		a.Close(ctx)
		return nil, err
	}
	// Broken template overrides (DOSSIER_TEMPLATES) stop the start, naming
	// the file and line, rather than the first generation.
	engine, err := document.Load(cfg.Templates)
	if err == nil {
		err = overridesSomething(cfg.Templates)
	}
	if err != nil {
		a.Close(ctx)
		return nil, fmt.Errorf("document templates (DOSSIER_TEMPLATES): %w", err)
	}
	a.Docs = &document.Service{Engine: engine, Store: a.Store, Blobs: a.Blobs, Now: time.Now, Location: cfg.TimeZone,
		DemandDays: cfg.DemandDays}
	a.API = httpapi.New(&httpapi.Server{Documents: a.Docs, Trail: &audit.Trail{Store: a.Store, Log: a.Audit},
		Log: a.Log, Accounts: a.Accounts, Cases: a.Cases, Audit: a.Audit,
		Evidence: a.Evidence,
		Bundles:  bundles,
		Search:   a.Indexer,
		Recovery: &recovery.Service{Store: a.Store, Documents: a.Store, Cases: a.Cases, Now: time.Now,
			Location: cfg.TimeZone, GraceDays: cfg.PlanGraceDays, DemandDays: cfg.DemandDays},
		ClientIP: httpapi.ClientIP(cfg.TrustedProxies, cfg.Unix() != ""),
		Location: cfg.TimeZone,
		BasePath: cfg.BasePath,
		Version:  version, Ready: []httpapi.Checker{
			{Name: "metadata", Check: a.Store.Ping},
			{Name: "blobs", Check: a.Blobs.Ping},
			{Name: "search", Check: a.Indexer.Check},
		}})
	// Form tokens are signed with a key kept in the data directory, so
	// forms open in browsers survive a restart.
	formKey, err := web.LoadKey(filepath.Join(cfg.DataDir, "web-form.key"))
	if err != nil {
		a.Close(ctx)
		return nil, err
	}
	// The pages share the API's echo instance, so its access log, metrics
	// and audit middleware cover them; services come from the API server so
	// that each capability is wired once.
	web.New(web.Config{Accounts: a.Accounts, Cases: a.Cases, Evidence: a.API.Evidence, Search: a.API.Search,
		Documents: a.API.Documents, Bundles: a.API.Bundles, Recovery: a.API.Recovery, Audit: a.API.Trail,
		Log: a.Log, Secure: strings.HasPrefix(cfg.BaseURL, "https://"), Key: formKey,
		BasePath: cfg.BasePath}).Register(a.API.Echo)
	return a, nil
}

// overridesSomething refuses a DOSSIER_TEMPLATES that would override no
// template, which would leave every document with the embedded text in
// silence: a file, or a directory without one <id>.<lang>.tmpl file.
func overridesSomething(dir string) error {
	if dir == "" {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if names, _ := filepath.Glob(filepath.Join(dir, "*.tmpl")); len(names) == 0 {
		return fmt.Errorf("%s holds no <id>.<zh-CN|en>.tmpl file to override a template with", dir)
	}
	return nil
}

// Close releases everything in reverse order of opening.
func (a *App) Close(ctx context.Context) {
	for i := len(a.closers) - 1; i >= 0; i-- {
		if err := a.closers[i](ctx); err != nil && a.Log != nil {
			a.Log.Error("shutdown", "err", err)
		}
	}
	a.closers = nil
}

// bootstrap creates the admin user on an empty store and prints a generated
// password once.
func (a *App) bootstrap(ctx context.Context, out io.Writer) error {
	created, generated, err := a.Accounts.Bootstrap(ctx, a.Cfg.AdminPassword)
	if err != nil {
		return fmt.Errorf("create admin: %w", err)
	}
	if created && generated != "" {
		fmt.Fprintf(out, "\n  Dossier: created user \"admin\" with password %s\n  (shown once; change it with `dossier user passwd admin`)\n\n", generated)
	} else if created {
		a.Log.Info("created user admin with the password from DOSSIER_ADMIN_PASSWORD")
	}
	_ = dossier.RoleAdmin
	return nil
}

// rebuildRetry is how long a failed rebuild (the metadata store down, say;
// items the blob store could not read are queued for the workers instead)
// waits before it starts again. A variable, so tests can shorten it.
var rebuildRetry = time.Minute

// rebuildIndex builds the search index anew on a goroutine of its own while
// the service runs (an index missing, damaged, or of an older schema after
// an upgrade: what `dossier reindex` does with the service stopped), then
// puts it in use. Until then searches and /readyz answer 503 saying so and
// how far it got. A failed build is logged and started again after
// rebuildRetry. It returns the closer that stops the build, or the workers
// and the index once in use.
func (a *App) rebuildIndex(ctx context.Context, cfg *Config, reason string) func(context.Context) error {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	var built *search.Index
	say := func(format string, args ...any) {
		a.Indexer.SetUnavailable("search index being rebuilt (" + reason + "): " + fmt.Sprintf(format, args...))
	}
	say("starting")
	go func() {
		defer close(done)
		for {
			start := time.Now()
			err := buildIndex(ctx, indexDir(cfg), a.Store, a.Blobs, func(p indexer.Progress) {
				say("%d items indexed (%d with the text the old index held), %d failed", p.Done, p.Reused, p.Failed)
			}, func() { say("compacting") })
			var ix *search.Index
			if err == nil {
				ix, err = search.Open(indexDir(cfg))
			}
			if err == nil {
				if err = a.Indexer.Install(ctx, ix); err != nil {
					_ = ix.Close()
				}
			}
			if err == nil {
				built = ix
				a.Log.Info("search index rebuilt", "took", time.Since(start).Round(time.Millisecond))
				return
			}
			if ctx.Err() != nil {
				return
			}
			a.Log.Error("search index rebuild failed; trying again", "in", rebuildRetry, "err", err)
			say("the last attempt failed (%v); trying again in %s", err, rebuildRetry)
			select {
			case <-ctx.Done():
				return
			case <-time.After(rebuildRetry):
			}
		}
	}()
	return func(c context.Context) error {
		cancel()
		<-done
		if built == nil {
			return nil
		}
		err := a.Indexer.Close(c)
		if cerr := built.Close(); err == nil {
			err = cerr
		}
		return err
	}
}

// openIndex opens the search index into idx.Index, or says why it cannot: a
// corrupt index, or a missing one while the store already holds evidence
// (a new, empty index would silently find nothing).
func openIndex(ctx context.Context, cfg *Config, idx *indexer.Indexer) string {
	dir := indexDir(cfg)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		has, err := indexer.HasEvidence(ctx, idx.Store)
		if err != nil {
			return err.Error()
		}
		if has {
			return "search index missing at " + dir
		}
	}
	ix, err := search.Open(dir)
	if err != nil {
		return err.Error()
	}
	idx.Index = ix
	return ""
}
