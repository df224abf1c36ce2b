package wire

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"govlake/internal/access"
	"govlake/internal/argon2"
	"govlake/internal/bleve"
	"govlake/internal/catalog"
	"govlake/internal/duckdb"
	"govlake/internal/govlake"
	"govlake/internal/icu"
	"govlake/internal/ingest"
	"govlake/internal/norm"
	"govlake/internal/oidc"
	"govlake/internal/parquet"
	"govlake/internal/pgwire"
	"govlake/internal/web"
	"govlake/internal/yaml"
	"govlake/internal/zstd"
)

// CatalogConfig is what the catalogue server is made from.
type CatalogConfig struct {
	// CORSOrigins may read the API from their pages, CORSWriteOrigins
	// also write ("*": any). Without either, any origin reads.
	CORSOrigins, CORSWriteOrigins []string
	// PublicURL is where people reach the server, when it is not the request's host.
	PublicURL string
	// Portal names the catalogue and who runs it, for DCAT and CKAN.
	Portal       govlake.Portal
	DCATPageSize int // datasets a page of the DCAT catalogue (0: 100)
	// PGAddr, when set, serves the SQL over the PostgreSQL wire protocol
	// too; PGCert and PGKey (PEM files) let clients use TLS.
	PGAddr, PGCert, PGKey string
	Store                 string // store URL
	CacheDir              string // local copies of a remote store's files ("" = the user cache folder)
	CacheBytes            int64
	Memory                string        // DuckDB memory limit
	Refresh               time.Duration // how often the index is read for changes (0: at each request)
	// Listing makes the catalogue list the whole store at each refresh,
	// as before the index, and WrapStore wraps the store it reads (to
	// count requests): both for benchmarks.
	Listing   bool
	WrapStore func(govlake.Store) govlake.Store
	Queries   string      // folder of saved queries
	KPIs      string      // folder of KPI files
	Orgs      string      // folder of organization files
	MaxUpload int64       // largest upload
	TokenRate float64     // requests a second per API token (0: no limit)
	OIDC      oidc.Config // a ministry's identity provider, when Issuer is set
	MaxRows   int
	// MaxResultBytes bounds a result held in memory (JSON, pages);
	// MaxDownload one streamed result (CSV, Parquet ...); SpoolLimit the
	// disk of results waiting for slow clients; SpillLimit DuckDB's spill
	// folder (DuckDB syntax, "" for its default).
	MaxResultBytes, MaxDownload, SpoolLimit int64
	SpillLimit                              string
	// WriteIdle and ReadIdle bound one write of an answer and one read of a
	// request body (a minimum rate for slow clients).
	WriteIdle, ReadIdle time.Duration
	// IPRates limit requests a second per client address, by class
	// (web.ClassQueries, ClassPages, ClassWrites); TrustedProxies may name
	// the client in X-Forwarded-For.
	IPRates        map[string]float64
	TrustedProxies []netip.Prefix
	Timeout        time.Duration
	Running        int
	Queued         int
}

// Catalog is a ready catalogue server.
type Catalog struct {
	Handler http.Handler
	engine  *duckdb.Engine
	index   *bleve.Index
	tmp     string
	meta    *duckdb.Meta
	follow  context.CancelFunc // stops the catalogue following the store
	cat     *catalog.Catalog
	// PG answers the PostgreSQL wire protocol, when CatalogConfig.PGAddr
	// asks for it: serve it on a listener with ServePG.
	PG *pgwire.Server
}

// RefreshNow reads what changed in the store and waits for it.
func (c *Catalog) RefreshNow(ctx context.Context) error { return c.cat.RefreshNow(ctx) }

// Close releases the query engine, the search index and the spill folder.
func (c *Catalog) Close() error {
	c.follow()
	if c.PG != nil {
		c.PG.Close()
	}
	c.meta.Close()
	err := c.engine.Close()
	c.index.Close()
	os.RemoveAll(c.tmp)
	return err
}

// NewCatalog opens the store, reads it once, starts DuckDB over it and
// returns the HTTP handler that serves it.
func NewCatalog(ctx context.Context, cfg CatalogConfig, logger *slog.Logger) (*Catalog, error) {
	parquet.UseZstdPages()
	store, err := OpenStore(ctx, cfg.Store, logger)
	if err != nil {
		return nil, err
	}
	local, readable, err := Localizer(store, cfg.Store, cfg.CacheDir, cfg.CacheBytes, logger)
	if err != nil {
		return nil, err
	}
	saved, err := yaml.LoadQueries(cfg.Queries)
	if err != nil {
		return nil, err
	}
	kpis, err := yaml.LoadKPIs(cfg.KPIs)
	if err != nil {
		return nil, err
	}
	orgs, err := yaml.LoadOrganizations(cfg.Orgs)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "govlake-duckdb-")
	if err != nil {
		return nil, govlake.Errorf(govlake.EUNAVAILABLE, "make a spill folder for DuckDB: %w", err)
	}
	read := store
	if cfg.WrapStore != nil {
		read = cfg.WrapStore(store)
	}
	cat := catalog.New(read, local, logger, time.Now)
	cat.TTL = cfg.Refresh
	if cfg.Listing {
		cat.SetListing()
	}
	cat.SetOrganizations(orgs)
	index, err := setSearch(cat, searchDir(cfg))
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	if err := cat.Refresh(ctx); err != nil {
		index.Close()
		os.RemoveAll(tmp)
		return nil, err
	}
	engine, err := duckdb.Open(ctx, duckdb.Options{AllowedDirs: []string{readable}, MemoryLimit: cfg.Memory, TempDir: tmp, MaxTemp: cfg.SpillLimit}, cat)
	if err != nil {
		index.Close()
		os.RemoveAll(tmp)
		return nil, err
	}
	limits := catalog.DefaultLimits
	limits.MaxRows, limits.Timeout, limits.Running, limits.Queued = cfg.MaxRows, cfg.Timeout, cfg.Running, cfg.Queued
	limits.MaxResultBytes = cfg.MaxResultBytes
	queries := catalog.NewQueries(cat, engine, limits)
	srv := web.NewServer(cat, queries, logger, time.Now)
	srv.NewTableWriter = TableWriter
	srv.PublicURL = cfg.PublicURL
	srv.DCATPageSize = cfg.DCATPageSize
	srv.MaxDownload, srv.WriteIdle, srv.ReadIdle = cfg.MaxDownload, cfg.WriteIdle, cfg.ReadIdle
	srv.SpoolLimit(cfg.SpoolLimit)
	for class, rate := range cfg.IPRates {
		if rate > 0 {
			srv.IPRate(class, rate)
		}
	}
	srv.TrustedProxies = cfg.TrustedProxies
	if cfg.Portal.Title != "" {
		srv.Portal = cfg.Portal
	}
	if cfg.CORSOrigins != nil || cfg.CORSWriteOrigins != nil {
		srv.CORSOrigins, srv.CORSWriteOrigins = cfg.CORSOrigins, cfg.CORSWriteOrigins
	}
	srv.Encoders = map[string]web.Encoder{"zstd": zstd.NewWriter}
	srv.Saved = saved
	tokens := access.NewTokens(store, time.Now)
	srv.Tokens = tokens
	srv.Sessions = access.NewAccounts(store, argon2.New(), time.Now)
	if cfg.OIDC.Issuer != "" {
		provider, err := oidc.New(ctx, cfg.OIDC)
		if err != nil {
			engine.Close()
			os.RemoveAll(tmp)
			return nil, err
		}
		srv.OIDC = provider
	}
	audit := access.NewAudit(store, time.Now)
	srv.Audit = audit
	queries.DeriveRestricted(AuditTable, audit.Rows, engine, access.AdminsOnly)
	runner := NewRunner(store, logger)
	catalogMetrics(srv, queries, cat, local, runner, limits)
	publisher := ingest.NewPublisher(runner, yaml.ParsePipeline, CheckPipeline)
	publisher.Infer = duckdb.InferSchema
	review := map[string]bool{}
	for _, o := range orgs {
		review[o.ID] = o.Review == "required"
	}
	publisher.Review = func(org string) bool { return review[org] }
	srv.Publisher = publisher
	srv.MaxUpload = cfg.MaxUpload
	if cfg.TokenRate > 0 {
		srv.TokenRate(cfg.TokenRate, 2*cfg.TokenRate)
	}
	if srv.MaxUpload <= 0 {
		srv.MaxUpload = 1 << 30
	}
	reports := catalog.NewKPIs(queries, engine, kpis, time.Now)
	srv.KPIs = reports
	queries.Derive(catalog.KPIValuesTable, reports.ValuesRows, engine)
	meta := duckdb.NewMeta()
	queries.SetMeta(meta)
	follow, stop := context.WithCancel(context.WithoutCancel(ctx))
	go cat.Follow(follow)
	c := &Catalog{Handler: srv, engine: engine, index: index, tmp: tmp, meta: meta, follow: stop, cat: cat}
	if cfg.PGAddr != "" {
		tlsConfig, err := pgTLS(cfg.PGCert, cfg.PGKey)
		if err == nil {
			c.PG, err = pgwire.New(queries, tokens, logger, tlsConfig)
		}
		if err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// pgTLS loads the PostgreSQL endpoint's certificate, when one is given.
func pgTLS(cert, key string) (*tls.Config, error) {
	if cert == "" && key == "" {
		return nil, nil
	}
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "-pg-cert %s and -pg-key %s: not a certificate and its key in PEM: %w", cert, key, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, nil
}

// AuditTable is the SQL name of the audit trail, which only admins query.
const AuditTable = "audit_log"

// OpenTokens opens the store's API tokens and audit trail, for the token
// commands.
func OpenTokens(ctx context.Context, storeURL string, logger *slog.Logger) (*access.Tokens, *access.Audit, error) {
	store, err := OpenStore(ctx, storeURL, logger)
	if err != nil {
		return nil, nil, err
	}
	return access.NewTokens(store, time.Now), access.NewAudit(store, time.Now), nil
}

// OpenAccounts opens the store's accounts, for the user command.
func OpenAccounts(ctx context.Context, storeURL string, logger *slog.Logger) (*access.Accounts, *access.Audit, error) {
	store, err := OpenStore(ctx, storeURL, logger)
	if err != nil {
		return nil, nil, err
	}
	return access.NewAccounts(store, argon2.New(), time.Now), access.NewAudit(store, time.Now), nil
}

// OIDCConfig is the setup of an OpenID Connect provider, for cmd/catalog.
func OIDCConfig(issuer, clientID, secret, redirect, orgClaim, roleClaim string) oidc.Config {
	return oidc.Config{Issuer: issuer, ClientID: clientID, ClientSecret: secret, RedirectURL: redirect, OrgClaim: orgClaim, RoleClaim: roleClaim}
}

// setSearch gives the catalogue its full-text index (bleve's scorch, kept
// in dir between starts, rebuilt from the store when missing) and the word
// cutter for documents and queries: ICU's word breaks, then each word
// folded.
func setSearch(cat *catalog.Catalog, dir string) (*bleve.Index, error) {
	words, err := icu.NewWords()
	if err != nil {
		return nil, govlake.Errorf(govlake.EUNAVAILABLE, "search needs ICU's word breaks: %w", err)
	}
	idx, err := bleve.Open(dir)
	if err != nil {
		return nil, err
	}
	cat.SetSearch(idx, func(s string) []string {
		ws, _ := words.Split(s)
		for i, w := range ws {
			ws[i] = norm.Fold(w)
		}
		return ws
	}, func(s string) []govlake.TextPiece {
		ps, _ := words.Pieces(s)
		return ps
	})
	return idx, nil
}

// searchDir is where a store's search index is kept: beside the cache
// folder of the store's files (never inside it: the cache evicts what it
// finds there), one per store.
func searchDir(cfg CatalogConfig) string {
	base := cfg.CacheDir
	if base == "" {
		user, err := os.UserCacheDir()
		if err != nil {
			return "" // the index lives in a temporary folder
		}
		sum := sha256.Sum256([]byte(cfg.Store))
		base = filepath.Join(user, "govlake", hex.EncodeToString(sum[:8]))
	}
	return strings.TrimSuffix(base, string(filepath.Separator)) + "-search"
}
