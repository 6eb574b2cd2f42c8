// Command dossier is the Dossier service and its operator tools.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `dossier — evidence and documents for legal debt recovery

Usage:
  dossier serve                     run the service (web UI and JSON API)
  dossier user add NAME ROLE        add a user (roles: admin, counsel, external, auditor); password from stdin or prompt
  dossier user passwd NAME          set a user's password (from stdin); revokes its sessions
  dossier user disable NAME         disable a user and revoke its sessions
  dossier user enable NAME          enable a disabled user
  dossier user list                 list users
  dossier audit verify              check the audit hash chain and signed checkpoints; --anchor SEQ:HASH
                                    (repeatable): the chain must pass through a head kept outside the database
  dossier verify [--sweep]          re-hash every evidence blob; exit 1 listing each missing or changed one;
                                    --sweep then removes orphan blobs older than --sweep-age (24h);
                                    on a locking S3 bucket also compare each blob's hold and retention
                                    with its records (exit 1 on a weaker lock); --fix-locks applies them
  dossier verify-bundle FILE.zip    check a downloaded bundle offline (SHA256SUMS, manifest, Merkle root);
                                    exit 1 naming each wrong file
  dossier reindex [--extract]       rebuild the search index from metadata and blobs (stop serve first);
                                    text the old index holds for an item's current bytes is reused,
                                    --extract extracts (and OCRs) every item again
  dossier version                   print the version
  dossier --help                    this help

Configuration (environment):
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], os.Environ(), os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Main runs one command and returns the exit code. ctx is cancelled on SIGTERM.
func Main(ctx context.Context, args, environ []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" || args[0] == "help" {
		fmt.Fprint(stdout, usage+settingsHelp()+extraHelp())
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(stdout, "dossier", version)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "dossier: unknown command %q (see dossier --help)\n", args[0])
		return 2
	}
	if cmd.offline {
		return cmd.run(ctx, nil, args[1:], stdin, stdout, stderr)
	}
	cfg, err := LoadConfig(environ)
	if err != nil {
		fmt.Fprintln(stderr, "dossier:", err)
		return 2
	}
	return cmd.run(ctx, cfg, args[1:], stdin, stdout, stderr)
}

// command is one subcommand. offline commands need no configuration.
type command struct {
	run     func(ctx context.Context, cfg *Config, args []string, stdin io.Reader, stdout, stderr io.Writer) int
	offline bool
}

var commands = map[string]command{
	"serve":         {run: runServe},
	"user":          {run: runUser},
	"audit":         {run: runAudit},
	"reindex":       {run: runReindex},
	"verify":        {run: runVerify},
	"verify-bundle": {run: runVerifyBundle, offline: true},
}

func extraHelp() string { return "" }
