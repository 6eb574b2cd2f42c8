package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/dossier/dossier/internal/bundle"
)

// runVerifyBundle checks a downloaded bundle ZIP offline: every file against
// SHA256SUMS and manifest.json, and the manifest's Merkle root against its
// items. Exit 0: intact. Exit 1: each wrong file is named on stdout.
// Exit 2: usage.
func runVerifyBundle(_ context.Context, _ *Config, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dossier verify-bundle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: dossier verify-bundle [--json] FILE.zip")
		return 2
	}
	r, err := bundle.VerifyZip(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "dossier verify-bundle:", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(r)
	} else {
		for _, p := range r.Problems {
			fmt.Fprintf(stdout, "FAIL %s: %s\n", p.File, p.Reason)
		}
	}
	if !r.OK() {
		if !*asJSON {
			fmt.Fprintf(stdout, "bundle damaged: %d problem(s) in %d file(s) checked\n", len(r.Problems), r.Files)
		}
		return 1
	}
	if !*asJSON {
		fmt.Fprintf(stdout, "ok: %d files match SHA256SUMS and manifest.json; merkle root %s\n", r.Files, r.MerkleRoot)
	}
	return 0
}
