package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/dossier/dossier/internal/audit"
)

const auditUsage = "usage: dossier audit verify [--anchor SEQ:HASH]..."

// anchorFlags collects --anchor SEQ:HASH: heads kept outside the database
// (a checkpoint handed to an auditor) that the chain must pass through.
type anchorFlags map[int64]string

func (a anchorFlags) String() string { return fmt.Sprint(map[int64]string(a)) }

func (a anchorFlags) Set(v string) error {
	seq, h, err := audit.ParseAnchor(v)
	if err != nil {
		return err
	}
	a[seq] = h
	return nil
}

func runAudit(ctx context.Context, cfg *Config, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) < 1 || args[0] != "verify" {
		fmt.Fprintln(stderr, "dossier audit:", auditUsage)
		return 2
	}
	fs := flag.NewFlagSet("dossier audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	anchors := anchorFlags{}
	fs.Var(anchors, "anchor", "a head kept outside the database, SEQ:HASH (repeatable): the chain must pass through it")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "dossier audit:", auditUsage)
		return 2
	}
	// Never a new, empty store that would verify as intact.
	store, err := openExistingStore(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "dossier audit verify:", err)
		return 1
	}
	defer store.Close()
	opts := audit.VerifyOptions{Anchors: anchors,
		Progress: func(n int64) { fmt.Fprintf(stderr, "\rchecked %d events", n) }}
	// Pin the local signing key when there is one, so a chain re-signed with
	// another key does not pass.
	pub, keyErr := audit.PublicKey(auditKeyPath(cfg))
	if keyErr == nil {
		opts.TrustedKeys = []string{pub}
	}
	rep, err := audit.VerifyWith(ctx, store, opts)
	fmt.Fprintln(stderr)
	if err != nil {
		fmt.Fprintln(stderr, "dossier audit verify:", err)
		return 1
	}
	if keyErr != nil && len(rep.Keys) > 0 {
		// Any key's signature was accepted: say so, and which keys signed.
		fmt.Fprintf(stderr, "warning: no signing key at %s, so checkpoints were not pinned to it; signed by %s\n",
			auditKeyPath(cfg), strings.Join(rep.Keys, ", "))
	}
	if !rep.OK {
		fmt.Fprintf(stdout, "BROKEN at event %d: %s\n", rep.FirstBroken, rep.Reason)
		return 1
	}
	through := ""
	if len(anchors) > 0 {
		through = fmt.Sprintf(", through %d anchors", len(anchors))
	}
	fmt.Fprintf(stdout, "ok: %d events, %d signed checkpoints%s, head %s\n", rep.Events, rep.Checkpoints, through, rep.Head)
	return 0
}

// auditKeyPath is where the checkpoint signing key lives.
func auditKeyPath(cfg *Config) string { return filepath.Join(cfg.DataDir, "audit-signing.key") }
