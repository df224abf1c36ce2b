package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"govlake/internal/govlake"
	"govlake/internal/wire"
)

// userCommand adds a person who signs in on the web. The password is read
// from standard input (one line), never from the command line.
//
//	catalog user create -store URL -org moh -role publisher -email officer@mohs.gov.mm -name "Data officer" < password.txt
func userCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "usage: catalog user create -store URL -org ID -role publisher -email ADDRESS -name NAME < password")
		return 2
	}
	fs := flag.NewFlagSet("catalog user create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	storeURL := fs.String("store", "./data", "store URL")
	org := fs.String("org", "", "the person's organization")
	role := fs.String("role", govlake.RolePublisher, "admin, publisher or editor")
	email := fs.String("email", "", "e-mail address, used to sign in")
	name := fs.String("name", "", "the person's name")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	password, _ := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	password = strings.TrimRight(password, "\r\n")
	accounts, audit, err := wire.OpenAccounts(ctx, *storeURL, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err == nil {
		_, err = accounts.Create(ctx, *email, *name, *org, *role, password)
	}
	if err == nil {
		err = audit.Record(ctx, govlake.AuditEvent{Who: "catalog user (command line)", Org: *org, Action: "account.create", Target: *email, Result: "ok", Detail: *role})
	}
	if err != nil {
		fmt.Fprintln(stderr, "catalog user:", govlake.ErrorMessage(err))
		return 1
	}
	fmt.Fprintf(stdout, "account %s for %s (%s) created; it signs in at /signin\n", *email, *org, *role)
	return 0
}
