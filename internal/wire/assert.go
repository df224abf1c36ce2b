package wire

import (
	"govlake/internal/access"
	"govlake/internal/argon2"
	"govlake/internal/bleve"
	"govlake/internal/cache"
	"govlake/internal/catalog"
	"govlake/internal/cron"
	"govlake/internal/csv"
	"govlake/internal/duckdb"
	"govlake/internal/fetch"
	"govlake/internal/file"
	"govlake/internal/govlake"
	"govlake/internal/ingest"
	"govlake/internal/json"
	"govlake/internal/jsonschema"
	"govlake/internal/norm"
	"govlake/internal/oidc"
	"govlake/internal/parquet"
	"govlake/internal/pgwire"
	"govlake/internal/s3"
	"govlake/internal/tabular"
	"govlake/internal/web"
	"govlake/internal/xlsx"
)

// Every port and every optional capability, asserted where the adapters
// are picked: a changed signature fails the build here instead of quietly
// turning off a fast path (the runner finds ChunkReader, Preparer,
// FastSchema and the store's PutFile by type assertion at run time).
var (
	// Stores.
	_ govlake.Store     = (*file.Store)(nil)
	_ govlake.Store     = (*s3.Store)(nil)
	_ govlake.Localizer = (*file.Store)(nil)
	_ govlake.Localizer = (*cache.Cache)(nil)
	_ ingest.FilePutter = (*file.Store)(nil)

	// Sources and readers.
	_ fetch.Source          = (*fetch.Router)(nil)
	_ fetch.Source          = (*fetch.Fetcher)(nil)
	_ fetch.Source          = file.Fetcher{}
	_ tabular.RecordReader  = (*csv.Reader)(nil)
	_ tabular.RecordReader  = (*json.Reader)(nil)
	_ tabular.RecordReader  = (*xlsx.Reader)(nil)
	_ ingest.ChunkReader    = (*csv.Reader)(nil)
	_ ingest.Warner         = (*csv.Reader)(nil)
	_ ingest.Schema         = (*jsonschema.Schema)(nil)
	_ ingest.Schema         = fastSchema{}
	_ ingest.FastSchema     = fastSchema{}
	_ ingest.ColumnChecker  = (*jsonschema.FastColumns)(nil)
	_ ingest.Burmese        = burmese{}
	_ ingest.Normalizer     = norm.NFC{}
	_ ingest.Schedule       = cron.Schedule{}
	_ ingest.RowWriter      = (*parquet.Writer)(nil)
	_ ingest.Preparer       = (*parquet.Writer)(nil)
	_ ingest.Summarizer     = (*parquet.Writer)(nil)
	_ ingest.Clock          = realClock{}
	_ web.TableWriter       = (*parquet.Writer)(nil)
	_ web.TableWriter       = (*parquet.ArrowStream)(nil)
	_ web.Catalog           = (*catalog.Catalog)(nil)
	_ web.Queries           = (*catalog.Queries)(nil)
	_ web.KPIReports        = (*catalog.KPIs)(nil)
	_ catalog.TableLister   = (*duckdb.Engine)(nil)
	_ catalog.Engine        = (*duckdb.Engine)(nil)
	_ catalog.Materializer  = (*duckdb.Engine)(nil)
	_ web.TokenVerifier     = (*access.Tokens)(nil)
	_ web.Auditor           = (*access.Audit)(nil)
	_ web.Publisher         = (*ingest.Publisher)(nil)
	_ web.Sessions          = (*access.Accounts)(nil)
	_ web.OIDC              = (*oidc.Provider)(nil)
	_ access.PasswordHasher = (*argon2.Hasher)(nil)
	_ catalog.Forgetter     = (*cache.Cache)(nil)
	_ catalog.SearchIndex   = (*bleve.Index)(nil)
	_ duckdb.Resolver       = (*catalog.Catalog)(nil)
	_ catalog.MetaEngine    = (*duckdb.Meta)(nil)
	_ pgwire.Queries        = (*catalog.Queries)(nil)
	_ pgwire.Tokens         = (*access.Tokens)(nil)
)
