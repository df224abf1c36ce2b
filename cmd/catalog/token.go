package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"govlake/internal/govlake"
	"govlake/internal/wire"
)

// tokenCommand makes, lists and revokes organisations' API tokens in the
// store. A new token is printed once, alone on the last line.
func tokenCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: catalog token create|list|revoke -store URL ...")
		return 2
	}
	fs := flag.NewFlagSet("catalog token "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	storeURL := fs.String("store", "./data", "store: a folder path, file:///path or s3://bucket/prefix?endpoint=URL&region=R")
	org := fs.String("org", "", "create: the organization the token publishes for")
	role := fs.String("role", govlake.RolePublisher, "create: admin, publisher or editor")
	name := fs.String("name", "", "create: who uses the token, such as \"MoH ETL\"")
	ttl := fs.Duration("ttl", 365*24*time.Hour, "create: how long the token is valid")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	tokens, audit, err := wire.OpenTokens(ctx, *storeURL, logger)
	if err != nil {
		fmt.Fprintln(stderr, "catalog token:", govlake.ErrorMessage(err))
		return 1
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "catalog token:", govlake.ErrorMessage(err))
		return 1
	}
	switch args[0] {
	case "create":
		secret, tok, err := tokens.Create(ctx, *org, *role, *name, *ttl)
		if err != nil {
			return fail(err)
		}
		if err := audit.Record(ctx, govlake.AuditEvent{Who: "catalog token (command line)", Org: tok.Org, Action: "token.create", Target: tok.ID, Result: "ok", Detail: tok.Role + ", " + tok.Name}); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "token %s for %s (%s), %q, valid until %s; it is shown once:\n%s\n", tok.ID, tok.Org, tok.Role, tok.Name, tok.ExpiresAt.Format(time.RFC3339), secret)
	case "list":
		list, err := tokens.List(ctx)
		if err != nil {
			return fail(err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tORGANIZATION\tROLE\tNAME\tCREATED\tEXPIRES\tSTATE")
		for _, t := range list {
			state := "active"
			switch {
			case !t.RevokedAt.IsZero():
				state = "revoked " + t.RevokedAt.Format(time.RFC3339)
			case !time.Now().Before(t.ExpiresAt):
				state = "expired"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Org, t.Role, t.Name, t.CreatedAt.Format(time.RFC3339), t.ExpiresAt.Format(time.RFC3339), state)
		}
		tw.Flush()
	case "revoke":
		if fs.NArg() != 1 {
			fmt.Fprintln(stderr, "usage: catalog token revoke -store URL ID")
			return 2
		}
		tok, err := tokens.Revoke(ctx, fs.Arg(0))
		if err != nil {
			return fail(err)
		}
		if err := audit.Record(ctx, govlake.AuditEvent{Who: "catalog token (command line)", Org: tok.Org, Action: "token.revoke", Target: tok.ID, Result: "ok"}); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "token %s (%s) is revoked\n", tok.ID, tok.Name)
	default:
		fmt.Fprintf(stderr, "catalog token: unknown command %q; create, list or revoke\n", args[0])
		return 2
	}
	return 0
}
