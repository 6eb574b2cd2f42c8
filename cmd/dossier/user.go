package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/dossier/dossier/internal/account"
	"github.com/dossier/dossier/internal/dossier"
)

func runUser(ctx context.Context, cfg *Config, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "dossier user: add|passwd|disable|enable|list (see dossier --help)")
		return 2
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "dossier user:", err)
		return 1
	}
	defer store.Close()
	acc := account.New(store, cfg.TokenTTL)
	fail := func(err error) int {
		fmt.Fprintf(stderr, "dossier user %s: %s\n", args[0], describe(err))
		return 1
	}
	switch {
	case args[0] == "list" && len(args) == 1:
		users, err := store.Users(ctx)
		if err != nil {
			return fail(err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "USERNAME\tROLE\tDISPLAY NAME\tSTATUS\tCREATED")
		for _, u := range users {
			st := "active"
			if u.Disabled {
				st = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.Role, u.DisplayName, st, u.CreatedAt.Format("2006-01-02"))
		}
		tw.Flush()
		return 0
	case args[0] == "add" && len(args) == 3:
		pw := readPassword(stdin, stdout)
		u := &dossier.User{Username: args[1], Role: dossier.Role(args[2])}
		if err := u.Validate(pw, true); err != nil {
			return fail(err)
		}
		_, err := acc.CreateUser(ctx, &dossier.Actor{User: &dossier.User{Role: dossier.RoleAdmin}},
			account.NewUser{Username: args[1], DisplayName: args[1], Role: dossier.Role(args[2]), Password: pw})
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "added %s (%s)\n", args[1], args[2])
		return 0
	case args[0] == "passwd" && len(args) == 2:
		if err := acc.SetPassword(ctx, args[1], readPassword(stdin, stdout)); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "password changed for %s; its sessions were revoked\n", args[1])
		return 0
	case (args[0] == "disable" || args[0] == "enable") && len(args) == 2:
		if err := acc.SetDisabled(ctx, args[1], args[0] == "disable"); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "%sd %s\n", args[0], args[1])
		return 0
	}
	fmt.Fprintln(stderr, "dossier user: usage: add NAME ROLE | passwd NAME | disable NAME | enable NAME | list")
	return 2
}

// readPassword reads one line: the password, typed or piped.
func readPassword(stdin io.Reader, stdout io.Writer) string {
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
