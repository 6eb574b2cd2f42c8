package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/dossier/dossier/internal/audit"
)

func runAudit(ctx context.Context, cfg *Config, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] != "verify" {
		fmt.Fprintln(stderr, "dossier audit: usage: dossier audit verify")
		return 2
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "dossier audit verify:", err)
		return 1
	}
	defer store.Close()
	opts := audit.VerifyOptions{Progress: func(n int64) { fmt.Fprintf(stderr, "\rchecked %d events", n) }}
	// Pin the local signing key when there is one, so a chain re-signed with
	// another key does not pass.
	if pub, err := audit.PublicKey(auditKeyPath(cfg)); err == nil {
		opts.TrustedKeys = []string{pub}
	}
	rep, err := audit.VerifyWith(ctx, store, opts)
	fmt.Fprintln(stderr)
	if err != nil {
		fmt.Fprintln(stderr, "dossier audit verify:", err)
		return 1
	}
	if !rep.OK {
		fmt.Fprintf(stdout, "BROKEN at event %d: %s\n", rep.FirstBroken, rep.Reason)
		return 1
	}
	fmt.Fprintf(stdout, "ok: %d events, %d signed checkpoints, head %s\n", rep.Events, rep.Checkpoints, rep.Head)
	return 0
}

// auditKeyPath is where the checkpoint signing key lives.
func auditKeyPath(cfg *Config) string { return filepath.Join(cfg.DataDir, "audit-signing.key") }
