// Command catalog serves the catalogue: dataset pages, the JSON API and SQL
// over every dataset's versions, reading only from the store.
//
//	catalog [-store URL] [-addr HOST:PORT]
//	catalog token create -store URL -org ID -role publisher -name "MoH ETL" [-ttl 8760h]
//	catalog token list -store URL
//	catalog token revoke -store URL ID
package main

import (
	"context"
	cryptotls "crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"govlake/internal/govlake"
	"govlake/internal/wire"
)

func main() {
	wire.CatalogGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(Main(ctx, os.Args[1:], os.Stdout, os.Stderr, nil))
}

// Main runs the server until ctx ends. If ready is not nil it receives the
// listening address once the server accepts connections.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, ready chan<- string) int {
	if len(args) > 0 && args[0] == "token" {
		return tokenCommand(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "user" {
		return userCommand(ctx, args[1:], os.Stdin, stdout, stderr)
	}
	fs := flag.NewFlagSet("catalog", flag.ContinueOnError)
	fs.SetOutput(stderr)
	storeURL := fs.String("store", "./data", "store: a folder path, file:///path or s3://bucket/prefix?endpoint=URL&region=R")
	cacheDir := fs.String("cache", "", "folder for local copies of a remote store's files (default: the user cache folder)")
	cacheSize := fs.String("cache-size", "10GB", "bound of the cache folder")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	maxRows := fs.Int("max-rows", 10000, "most rows a JSON query result returns")
	timeout := fs.Duration("query-timeout", 30*time.Second, "longest a query may run")
	memory := fs.String("memory-limit", "2GB", "DuckDB memory limit")
	queries := fs.String("queries", "./queries", "folder of saved queries (*.yaml)")
	kpis := fs.String("kpis", "./kpis", "folder of KPI files (*.yaml)")
	orgs := fs.String("organizations", "./organizations", "folder of organization files (*.yaml)")
	running := fs.Int("max-concurrent", 4, "queries that may run at once")
	queued := fs.Int("max-queue", 16, "queries that may wait for a slot; more are answered 429")
	refresh := fs.Duration("refresh", time.Second, "how often the catalogue reads what changed in the store (its index); 0 reads it at every request")
	maxUpload := fs.String("max-upload", "1GB", "largest file a publisher may upload")
	oidcIssuer := fs.String("oidc-issuer", "", "sign people in with this OpenID Connect provider (its issuer URL)")
	oidcClient := fs.String("oidc-client-id", "govlake", "this server's client id at the provider (the secret comes from GOVLAKE_OIDC_CLIENT_SECRET)")
	oidcOrg := fs.String("oidc-org-claim", "govlake_org", "the ID token claim that names the organization")
	oidcRole := fs.String("oidc-role-claim", "govlake_role", "the ID token claim that names the role")
	publicURL := fs.String("public-url", "", "the address people reach this server at (default http://ADDR), for the provider's callback")
	tokenRate := fs.Float64("token-rate", 20, "requests a second each API token may send (twice that at once); more are answered 429")
	corsRead := fs.String("cors-origins", "*", "origins whose pages may read the API, comma-separated (* any, \"\" none)")
	corsWrite := fs.String("cors-write-origins", "", "origins whose pages may also write through the API (publishing), comma-separated")
	portalTitle := fs.String("portal-title", govlake.DefaultPortal.Title, "the portal's name, in its DCAT catalogue and CKAN's status_show")
	portalDesc := fs.String("portal-description", govlake.DefaultPortal.Description, "what the portal holds, in its DCAT catalogue")
	portalPublisher := fs.String("portal-publisher", "", "the id of the organization that runs the portal (DCAT's publisher of the catalogue)")
	portalEmail := fs.String("portal-email", "", "the e-mail that answers for datasets naming none (DCAT-US requires one)")
	pgAddr := fs.String("pg-addr", "", "also answer SQL over the PostgreSQL wire protocol on this address (psql, BI tools), e.g. 127.0.0.1:5433; off by default")
	pgCert := fs.String("pg-cert", "", "certificate (PEM) for TLS on -pg-addr")
	pgKey := fs.String("pg-key", "", "its private key (PEM)")
	maxResult := fs.String("max-result-bytes", "64MB", "most bytes of cells a result shown or sent as JSON holds (more: truncated, truncated_by bytes)")
	maxDownload := fs.String("max-download", "4GB", "most bytes one streamed result (CSV, NDJSON, Parquet, Arrow) may send; past it the answer is cut")
	spoolLimit := fs.String("spool-limit", "8GB", "disk that streamed results waiting for slow clients may take together")
	spillLimit := fs.String("spill-limit", "10GB", "disk DuckDB may spill to (its max_temp_directory_size)")
	writeIdle := fs.Duration("write-idle", 30*time.Second, "longest one 64 KB write of an answer may wait for the client (a minimum read rate)")
	readIdle := fs.Duration("read-idle", 30*time.Second, "longest a request body may pause")
	ipQuery := fs.Float64("ip-query-rate", 20, "SQL requests a second each client address may send (twice that at once); more are answered 429 (0: no limit)")
	ipPage := fs.Float64("ip-page-rate", 100, "other reads a second each client address may send (pages, API, downloads)")
	ipWrite := fs.Float64("ip-write-rate", 10, "writes a second each client address may send (publishing, sign-in)")
	proxies := fs.String("trusted-proxies", "", "addresses (CIDR, comma-separated) of proxies whose X-Forwarded-For names the client")
	logFormat := fs.String("log-format", "text", "log as text (logfmt) or json (one object a line, with request_id)")
	tlsCert := fs.String("tls-cert", "", "serve HTTPS with this certificate (PEM; with -tls-key)")
	tlsKey := fs.String("tls-key", "", "the certificate's private key (PEM)")
	dcatPage := fs.Int("dcat-page-size", 100, "datasets a page of the DCAT catalogue (/catalog.ttl ...) holds")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	logger, err := wire.NewLogger(stderr, *logFormat, slog.LevelInfo)
	if err != nil {
		fmt.Fprintln(stderr, "catalog: -log-format:", govlake.ErrorMessage(err))
		return 2
	}
	cacheBytes, err := wire.ParseSize(*cacheSize)
	if err != nil {
		fmt.Fprintln(stderr, "catalog: -cache-size:", govlake.ErrorMessage(err))
		return 2
	}
	sizes := map[string]int64{}
	for name, v := range map[string]string{"max-upload": *maxUpload, "max-result-bytes": *maxResult, "max-download": *maxDownload, "spool-limit": *spoolLimit, "spill-limit": *spillLimit} {
		n, err := wire.ParseSize(v)
		if err != nil {
			fmt.Fprintf(stderr, "catalog: -%s: %s\n", name, govlake.ErrorMessage(err))
			return 2
		}
		sizes[name] = n
	}
	uploadBytes := sizes["max-upload"]
	trusted, err := wire.ParsePrefixes(*proxies)
	if err != nil {
		fmt.Fprintln(stderr, "catalog: -trusted-proxies:", govlake.ErrorMessage(err))
		return 2
	}
	public := strings.TrimSuffix(*publicURL, "/")
	if public == "" && *tlsCert != "" {
		public = "https://" + *addr
	} else if public == "" {
		public = "http://" + *addr
	}
	oidcCfg := wire.OIDCConfig(*oidcIssuer, *oidcClient, os.Getenv("GOVLAKE_OIDC_CLIENT_SECRET"), public+"/signin/oidc/callback", *oidcOrg, *oidcRole)
	cfg := wire.CatalogConfig{PGAddr: *pgAddr, PGCert: *pgCert, PGKey: *pgKey, DCATPageSize: *dcatPage, Portal: govlake.Portal{Title: *portalTitle, Description: *portalDesc, Publisher: *portalPublisher, Email: *portalEmail}, CORSOrigins: origins(*corsRead), CORSWriteOrigins: origins(*corsWrite), PublicURL: strings.TrimSuffix(*publicURL, "/"), MaxUpload: uploadBytes, MaxResultBytes: sizes["max-result-bytes"], MaxDownload: sizes["max-download"], SpoolLimit: sizes["spool-limit"], SpillLimit: *spillLimit, WriteIdle: *writeIdle, ReadIdle: *readIdle, IPRates: map[string]float64{"queries": *ipQuery, "pages": *ipPage, "writes": *ipWrite}, TrustedProxies: trusted, OIDC: oidcCfg, TokenRate: *tokenRate, Store: *storeURL, MaxRows: *maxRows, Timeout: *timeout, Memory: *memory, Refresh: *refresh,
		CacheDir: *cacheDir, CacheBytes: cacheBytes, Running: *running, Queued: *queued, Queries: *queries, KPIs: *kpis, Orgs: *orgs}
	if (*tlsCert == "") != (*tlsKey == "") {
		fmt.Fprintln(stderr, "catalog: -tls-cert and -tls-key go together")
		return 2
	}
	if err := serve(ctx, cfg, *addr, tlsFiles{*tlsCert, *tlsKey}, logger, ready); err != nil {
		fmt.Fprintln(stderr, "catalog:", govlake.ErrorMessage(err))
		if govlake.ErrorCode(err) == govlake.EINTERNAL {
			fmt.Fprintln(stderr, "catalog:", err)
		}
		return 1
	}
	return 0
}

// tlsFiles are the certificate and key of -tls-cert and -tls-key.
type tlsFiles struct{ cert, key string }

func serve(ctx context.Context, cfg wire.CatalogConfig, addr string, tls tlsFiles, logger *slog.Logger, ready chan<- string) error {
	cat, err := wire.NewCatalog(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer cat.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return govlake.Errorf(govlake.EUNAVAILABLE, "listen on %s: %w", addr, err)
	}
	// No WriteTimeout: a download may take long. Each write has its own
	// deadline (-write-idle) instead, and each body read (-read-idle).
	hs := &http.Server{Handler: cat.Handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	scheme := "http"
	if tls.cert != "" {
		scheme = "https"
		if err := checkTLS(tls); err != nil {
			ln.Close()
			return err
		}
	}
	logger.Info("serving the catalogue", "url", scheme+"://"+ln.Addr().String()+"/", "store", cfg.Store)
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 2)
	go func() {
		if tls.cert != "" {
			errc <- hs.ServeTLS(ln, tls.cert, tls.key)
			return
		}
		errc <- hs.Serve(ln)
	}()
	if cat.PG != nil {
		pl, err := net.Listen("tcp", cfg.PGAddr)
		if err != nil {
			return govlake.Errorf(govlake.EUNAVAILABLE, "listen on %s (-pg-addr): %w", cfg.PGAddr, err)
		}
		logger.Info("serving PostgreSQL", "addr", pl.Addr().String())
		go func() { errc <- cat.PG.Serve(pl) }()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// origins splits a comma-separated list of origins.
func origins(list string) []string {
	var out []string
	for _, o := range strings.Split(list, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, strings.TrimSuffix(o, "/"))
		}
	}
	return out
}

// checkTLS loads the certificate once before serving, so a wrong file is
// an error at start that names it, not a failure of every connection.
func checkTLS(f tlsFiles) error {
	if _, err := cryptotls.LoadX509KeyPair(f.cert, f.key); err != nil {
		return govlake.Errorf(govlake.EINVALID, "-tls-cert %s and -tls-key %s: not a certificate and its key in PEM (%v)", f.cert, f.key, err)
	}
	return nil
}
