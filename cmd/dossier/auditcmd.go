package main

import (
	"context"
	"fmt"
	"io"

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
	rep, err := audit.Verify(ctx, store, func(n int64) {
		if n%100000 == 0 {
			fmt.Fprintf(stderr, "\rchecked %d events", n)
		}
	})
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
