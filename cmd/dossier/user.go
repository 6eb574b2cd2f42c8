package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	osuser "os/user"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dossier/dossier/internal/account"
	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/httpapi"
	"github.com/dossier/dossier/internal/sqlstore"
)

// userCommands are the user subcommands: their audit action and how many
// arguments they take (the subcommand included).
var userCommands = map[string]struct {
	action string
	args   int
}{"add": {"user.create", 3}, "passwd": {"user.password", 2}, "disable": {"user.disable", 2},
	"enable": {"user.enable", 2}, "list": {"user.list", 1}}

// operatorActor is the audit actor of the user commands. The parentheses
// make it a name no account can have (dossier.ValidUsername), so the events
// of an account named "cli" never mix with the operator's.
const operatorActor = "(cli)"

// runUser runs a user command. Each one is an audit event, as a request
// would be: actor operatorActor, role "operator" (no account has that role),
// and the OS user in the detail; refused commands too.
func runUser(ctx context.Context, cfg *Config, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "dossier user: add|passwd|disable|enable|list (see dossier --help)")
		return 2
	}
	cmd, ok := userCommands[args[0]]
	if !ok || len(args) != cmd.args {
		fmt.Fprintln(stderr, "dossier user: usage: add NAME ROLE | passwd NAME | disable NAME | enable NAME | list")
		return 2
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "dossier user:", err)
		return 1
	}
	defer store.Close()
	note := &dossier.AuditNote{}
	start := time.Now()
	msg, err := userCommand(dossier.WithAuditNote(ctx, note), cfg, store, args, stdin, stdout)
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if aerr := appendOperatorEvent(actx, store, operatorEvent(cmd.action, note, start, err)); aerr != nil {
		what := "refused"
		if err == nil {
			what = "done"
		}
		fmt.Fprintf(stderr, "dossier user %s: %s, but its audit event was not stored: %v\n", args[0], what, aerr)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "dossier user %s: %s\n", args[0], describe(err))
		return 1
	}
	fmt.Fprint(stdout, msg)
	return 0
}

// userCommand does what args ask and returns what to print.
func userCommand(ctx context.Context, cfg *Config, store *sqlstore.DB, args []string, stdin io.Reader, stdout io.Writer) (string, error) {
	acc := account.New(store, cfg.TokenTTL)
	switch args[0] {
	case "list":
		users, err := store.Users(ctx)
		if err != nil {
			return "", err
		}
		var b strings.Builder
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "USERNAME\tROLE\tDISPLAY NAME\tSTATUS\tCREATED")
		for _, u := range users {
			st := "active"
			if u.Disabled {
				st = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.Role, u.DisplayName, st, u.CreatedAt.Format("2006-01-02"))
		}
		tw.Flush()
		return b.String(), nil
	case "add":
		operator := &dossier.Actor{User: &dossier.User{Username: operatorActor, Role: dossier.RoleAdmin}}
		_, err := acc.CreateUser(ctx, operator, account.NewUser{Username: args[1], DisplayName: args[1],
			Role: dossier.Role(args[2]), Password: readPassword(stdin, stdout)})
		return fmt.Sprintf("added %s (%s)\n", args[1], args[2]), err
	case "passwd":
		err := acc.SetPassword(ctx, args[1], readPassword(stdin, stdout))
		return fmt.Sprintf("password changed for %s; its sessions were revoked\n", args[1]), err
	default: // disable, enable
		err := acc.SetDisabled(ctx, args[1], args[0] == "disable")
		return fmt.Sprintf("%sd %s\n", args[0], args[1]), err
	}
}

// appendOperatorEvent appends e to the audit chain, which the server may be
// appending to meanwhile. Reading the head and inserting after it run in one
// transaction (on SQLite an immediate one, so the server's writer waits the
// moment it takes), and a seq the server took first (ECONFLICT, PostgreSQL)
// is retried at once. audit.Log is not used: after a conflict it re-reads the
// head but then backs off, and beside a busy server its retries kept losing
// (30 s of conflicts in TestUserCommandWhileServing). No checkpoint is signed,
// so no signing key is needed here; the server's next checkpoint covers the
// event, and until then the chain does, as for the server's own events.
func appendOperatorEvent(ctx context.Context, store *sqlstore.DB, e dossier.Event) error {
	for {
		err := store.InTx(ctx, func(tx dossier.Store) error {
			seq, head := int64(0), audit.Genesis
			last, err := tx.LastEvent(ctx)
			if err == nil {
				seq, head = last.Seq, last.Hash
			} else if dossier.ErrorCode(err) != dossier.ENOTFOUND {
				return err
			}
			ev := e
			audit.Chain(&ev, seq, head)
			return tx.AppendEvents(ctx, []*dossier.Event{&ev})
		})
		if dossier.ErrorCode(err) != dossier.ECONFLICT || ctx.Err() != nil {
			return err
		}
	}
}

// operatorEvent is the audit event of a user command, built as the API's
// middleware builds a request's.
func operatorEvent(action string, note *dossier.AuditNote, at time.Time, err error) dossier.Event {
	status := http.StatusOK
	if action == "user.create" {
		status = http.StatusCreated
	}
	var parts []string
	if note.Detail != "" {
		parts = append(parts, note.Detail)
	}
	if err != nil {
		status = httpapi.Status(err)
		parts = append(parts, dossier.ErrorMessage(err))
		for _, f := range dossier.ErrorFields(err) {
			parts = append(parts, f.Field+": "+f.Message)
		}
	}
	detail := strings.Join(append(parts, "os_user="+osUser()), "; ")
	objType := note.ObjectType
	if objType == "" {
		objType = "user"
	}
	e := dossier.Event{At: at, Actor: operatorActor, Role: "operator", Action: action, ObjectType: objType,
		ObjectID: note.ObjectID, UserAgent: "dossier/" + version, Status: status,
		Outcome: dossier.OutcomeFor(status), Detail: detail}
	// A name on the command line can hold anything; the event is stored as
	// the server's Log would store it.
	audit.Sanitize(&e)
	return e
}

// osUser names who ran the command, and where.
func osUser() string {
	name := os.Getenv("USER")
	if u, err := osuser.Current(); err == nil {
		name = u.Username
	}
	if name == "" {
		name = "unknown"
	}
	if host, err := os.Hostname(); err == nil {
		name += "@" + host
	}
	return name
}

// readPassword reads one line: the password, typed or piped. Typed at a
// terminal, it is not echoed.
func readPassword(stdin io.Reader, stdout io.Writer) string {
	if f, ok := stdin.(*os.File); ok {
		if restore, err := echoOff(f); err == nil {
			defer restore()
		}
	}
	fmt.Fprint(stdout, "password (at least 12 characters): ")
	line, _ := bufio.NewReader(stdin).ReadString('\n')
	fmt.Fprintln(stdout)
	return strings.TrimRight(line, "\r\n")
}

// describe renders an error with its field problems for a terminal.
func describe(err error) string {
	msg := dossier.ErrorMessage(err)
	if dossier.ErrorCode(err) == dossier.EINTERNAL {
		msg = err.Error()
	}
	for _, f := range dossier.ErrorFields(err) {
		msg += fmt.Sprintf("\n  %s: %s", f.Field, f.Message)
	}
	return msg
}
