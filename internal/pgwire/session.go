package pgwire

import (
	"context"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"
	wire "github.com/jeroenrinzema/psql-wire"
)

// Session commands answered here, as a read-only PostgreSQL answers them:
// transactions (there is nothing to commit), SET of a setting (accepted,
// without effect: every query runs with the catalogue's own limits), SHOW
// of the settings clients read at connect, DISCARD and DEALLOCATE.

var (
	setCommand  = regexp.MustCompile(`(?is)^\s*SET\s+(SESSION\s+|LOCAL\s+)?`)
	showCommand = regexp.MustCompile(`(?is)^\s*SHOW\s+("?[a-z_.]+"?|ALL|TRANSACTION\s+ISOLATION\s+LEVEL)\s*;?\s*$`)
	txCommand   = regexp.MustCompile(`(?is)^\s*(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|DISCARD\s+ALL|DEALLOCATE|CLOSE|UNLISTEN)\b`)
)

// settings are what SHOW answers.
var settings = map[string]string{
	"server_version": "15.0", "server_version_num": "150000", "server_encoding": "UTF8", "client_encoding": "UTF8",
	"datestyle": "ISO, MDY", "timezone": "UTC", "standard_conforming_strings": "on", "integer_datetimes": "on",
	"intervalstyle": "postgres", "transaction isolation level": "read committed", "transaction_isolation": "read committed",
	"default_transaction_read_only": "on", "transaction_read_only": "on", "search_path": "\"$user\", public",
	"max_identifier_length": "63", "lc_collate": "C", "lc_ctype": "C", "application_name": "", "extra_float_digits": "1",
	"statement_timeout": "0", "max_index_keys": "32",
}

// session prepares a session command, if text is one.
func session(text string) (*wire.PreparedStatement, bool) {
	if m := txCommand.FindStringSubmatch(text); m != nil {
		tag := strings.ToUpper(strings.Fields(m[1])[0])
		switch tag {
		case "START":
			tag = "START TRANSACTION"
		case "END":
			tag = "COMMIT"
		case "ABORT":
			tag = "ROLLBACK"
		case "DISCARD":
			tag = "DISCARD ALL"
		}
		return complete(tag), true
	}
	if setCommand.MatchString(text) {
		return complete("SET"), true
	}
	if m := showCommand.FindStringSubmatch(text); m != nil {
		name := strings.ToLower(strings.Trim(strings.Join(strings.Fields(m[1]), " "), `"`))
		value, known := settings[name]
		if !known && name != "all" {
			value = ""
		}
		cols := wire.Columns{{Name: name, Oid: pgtype.TextOID, Width: -1, TypeModifier: -1}}
		return wire.NewStatement(func(ctx context.Context, w wire.DataWriter, _ []wire.Parameter) error {
			if name == "all" {
				return w.Complete("SHOW")
			}
			if err := w.Row([]any{value}); err != nil {
				return err
			}
			return w.Complete("SHOW")
		}, wire.WithColumns(cols)), true
	}
	return nil, false
}

func complete(tag string) *wire.PreparedStatement {
	return wire.NewStatement(func(ctx context.Context, w wire.DataWriter, _ []wire.Parameter) error { return w.Complete(tag) })
}
