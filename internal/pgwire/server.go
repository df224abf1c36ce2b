// Package pgwire serves the catalogue's SQL over the PostgreSQL wire
// protocol with jeroenrinzema/psql-wire, so that psql, pgx, JDBC and ODBC
// drivers, Excel, Power BI, Metabase and Superset can connect: the same
// sandboxed, limited SELECTs over the same tables, read-only. Catalogue
// questions (pg_catalog, information_schema, version()) are answered from
// the tables one may see; harmless session commands (SET, BEGIN, SHOW) are
// accepted as PostgreSQL accepts them.
package pgwire

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"strings"

	wire "github.com/jeroenrinzema/psql-wire"
	"github.com/jeroenrinzema/psql-wire/pkg/buffer"
	"github.com/jeroenrinzema/psql-wire/pkg/types"

	"govlake/internal/govlake"
)

// Queries runs the SQL: data queries through the catalogue's sandbox and
// limits, catalogue questions over the tables one may see.
type Queries interface {
	Stream(ctx context.Context, sql string, header func([]govlake.ResultColumn) error, row func([]any) error, args ...any) error
	CatalogStream(ctx context.Context, sql string, header func([]govlake.ResultColumn) error, row func([]any) error, args ...any) error
}

// Tokens checks a publishing token given as the password.
type Tokens interface {
	Verify(ctx context.Context, secret string) (*govlake.Principal, error)
}

// TokenUser is the user name that signs in with a publishing token as the
// password; every other name connects without one and reads public data.
const TokenUser = "token"

// ServerVersion is the PostgreSQL version the server says it is.
const ServerVersion = "15.0 (govlake)"

// Server is a PostgreSQL endpoint.
type Server struct {
	queries Queries
	tokens  Tokens
	logger  *slog.Logger
	srv     *wire.Server
}

// New returns a server over queries; tlsConfig, when set, lets clients
// ask for TLS (sslmode=require).
func New(queries Queries, tokens Tokens, logger *slog.Logger, tlsConfig *tls.Config) (*Server, error) {
	s := &Server{queries: queries, tokens: tokens, logger: logger}
	opts := []wire.OptionFn{
		wire.SessionAuthStrategy(s.auth),
		wire.Version(ServerVersion),
		wire.Logger(logger),
		wire.GlobalParameters(wire.Parameters{"DateStyle": "ISO, MDY", "TimeZone": "UTC", "standard_conforming_strings": "on",
			"integer_datetimes": "on", "client_encoding": "UTF8", "server_encoding": "UTF8", "IntervalStyle": "postgres", "is_superuser": "off"}),
		wire.ErrorSanitizer(sanitize),
	}
	if tlsConfig != nil {
		opts = append(opts, wire.TLSConfig(tlsConfig))
	}
	srv, err := wire.NewServer(s.parse, opts...)
	if err != nil {
		return nil, err
	}
	s.srv = srv
	return s, nil
}

// Serve answers connections on l until Close.
func (s *Server) Serve(l net.Listener) error {
	err := s.srv.Serve(l)
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// auth lets every user name in without a password, except TokenUser,
// whose password must be a publishing token: its organisation's restricted
// datasets are then seen too.
func (s *Server) auth(ctx context.Context, w *buffer.Writer, r *buffer.Reader) (context.Context, error) {
	if wire.ClientParameters(ctx)[wire.ParamUsername] != TokenUser {
		w.Start(types.ServerAuth)
		w.AddInt32(0) // AuthenticationOk
		return ctx, w.End()
	}
	return wire.ClearTextPassword(func(ctx context.Context, _, _, password string) (context.Context, bool, error) {
		if s.tokens == nil {
			return ctx, false, nil
		}
		p, err := s.tokens.Verify(ctx, password)
		if err != nil || p == nil {
			return ctx, false, nil
		}
		return govlake.WithPrincipal(ctx, p), true, nil
	})(ctx, w, r)
}

// sanitize turns govlake's errors into PostgreSQL's: the message alone
// (never Go's text), with an SQLSTATE that says what kind.
func sanitize(err error) error {
	if err == nil {
		return nil
	}
	var coded interface{ SQLState() string }
	if errors.As(err, &coded) {
		return err
	}
	return pgError(err)
}

// statements splits a simple query's text into its statements, at
// semicolons outside quotes and comments.
func statements(q string) []string {
	var out []string
	var b strings.Builder
	var quote rune
	line, block := false, false
	rs := []rune(q)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		next := rune(0)
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		switch {
		case line:
			line = r != '\n'
		case block:
			if r == '*' && next == '/' {
				block = false
				b.WriteRune(r)
				i++
				r = next
			}
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '-' && next == '-':
			line = true
		case r == '/' && next == '*':
			block = true
		case r == ';':
			if strings.TrimSpace(b.String()) != "" {
				out = append(out, strings.TrimSpace(b.String()))
			}
			b.Reset()
			continue
		}
		b.WriteRune(r)
	}
	if strings.TrimSpace(b.String()) != "" {
		out = append(out, strings.TrimSpace(b.String()))
	}
	return out
}
