package web

import (
	"encoding/json"
	"net/http"
	"strconv"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
)

// The Iceberg REST catalog API, read-only, as engines (Trino, Spark,
// PyIceberg, iceberg-go) call it: https://iceberg.apache.org/spec/#iceberg-rest-catalog
// Tables are found by name here; their files are read from the store.

// IcebergConfig is GET /iceberg/v1/config.
type IcebergConfig struct {
	Defaults  map[string]string `json:"defaults"`
	Overrides map[string]string `json:"overrides"`
	Endpoints []string          `json:"endpoints"`
}

// IcebergNamespaces is GET /iceberg/v1/namespaces.
type IcebergNamespaces struct {
	Namespaces [][]string `json:"namespaces"`
}

// IcebergNamespace is GET /iceberg/v1/namespaces/{namespace}.
type IcebergNamespace struct {
	Namespace  []string          `json:"namespace"`
	Properties map[string]string `json:"properties"`
}

// IcebergTables is GET /iceberg/v1/namespaces/{namespace}/tables.
type IcebergTables struct {
	Identifiers   []IcebergIdent `json:"identifiers"`
	NextPageToken string         `json:"next-page-token,omitempty"`
}

// IcebergIdent names a table.
type IcebergIdent struct {
	Namespace []string `json:"namespace"`
	Name      string   `json:"name"`
}

// IcebergTable is GET /iceberg/v1/namespaces/{namespace}/tables/{table}:
// the LoadTableResult of the REST spec.
type IcebergTable struct {
	MetadataLocation string            `json:"metadata-location"`
	Metadata         json.RawMessage   `json:"metadata"`
	Config           map[string]string `json:"config"`
}

// IcebergError is the REST spec's ErrorModel, in {"error": ...}.
type IcebergError struct {
	Error IcebergErrorModel `json:"error"`
}

// IcebergErrorModel says what failed, with the exception a client raises.
type IcebergErrorModel struct {
	Message string `json:"message"`
	Type    string `json:"type"`
	Code    int    `json:"code"`
}

// icebergRoutes lists the REST catalog's routes; writes answer that the
// catalogue is read-only.
func icebergRoutes() []route {
	ns := param{name: "namespace", in: "path", desc: "the namespace: " + catalog.TableNamespace, typ: "string", required: true}
	tbl := param{name: "table", in: "path", desc: "the table: a dataset id", typ: "string", required: true}
	return []route{
		{method: "GET", path: "/iceberg/v1/config", summary: "Iceberg REST catalog: its configuration (read-only: no prefix, the endpoints below)",
			reply: typeOf[IcebergConfig](), handle: icebergAction(icebergConfig)},
		{method: "GET", path: "/iceberg/v1/namespaces", summary: "Iceberg REST catalog: the namespaces (one, " + catalog.TableNamespace + ")",
			params: []param{{name: "parent", in: "query", desc: "a parent namespace (there are no nested ones)", typ: "string"}},
			reply:  typeOf[IcebergNamespaces](), handle: icebergAction(icebergNamespaces)},
		{method: "GET", path: "/iceberg/v1/namespaces/{namespace}", summary: "Iceberg REST catalog: one namespace",
			params: []param{ns}, reply: typeOf[IcebergNamespace](), handle: icebergAction(icebergNamespace)},
		{method: "GET", path: "/iceberg/v1/namespaces/{namespace}/tables", summary: "Iceberg REST catalog: the tables the caller may read (datasets with a published version), a page at a time",
			params: []param{ns, {name: "pageToken", in: "query", desc: "the previous page's next-page-token", typ: "string"},
				{name: "pageSize", in: "query", desc: "tables per page, 1 to 1000 (default 100)", typ: "integer"}},
			reply: typeOf[IcebergTables](), handle: icebergAction(icebergTableList)},
		{method: "GET", path: "/iceberg/v1/namespaces/{namespace}/tables/{table}", summary: "Iceberg REST catalog: load a table: its newest metadata file, whose snapshots are the dataset's published versions (snapshot id = version)",
			params: []param{ns, tbl}, reply: typeOf[IcebergTable](), handle: icebergAction(icebergLoadTable)},
		{method: "POST", path: "/iceberg/v1/namespaces", summary: "Iceberg REST catalog: creating a namespace is refused (403): the catalog is read-only",
			reply: typeOf[IcebergError](), handle: icebergAction(icebergReadOnly)},
		{method: "POST", path: "/iceberg/v1/namespaces/{namespace}/tables", summary: "Iceberg REST catalog: creating a table is refused (403): ingest makes a dataset's table",
			params: []param{ns}, reply: typeOf[IcebergError](), handle: icebergAction(icebergReadOnly)},
		{method: "POST", path: "/iceberg/v1/namespaces/{namespace}/tables/{table}", summary: "Iceberg REST catalog: committing to a table is refused (403): ingest adds each published version",
			params: []param{ns, tbl}, reply: typeOf[IcebergError](), handle: icebergAction(icebergReadOnly)},
		{method: "DELETE", path: "/iceberg/v1/namespaces/{namespace}/tables/{table}", summary: "Iceberg REST catalog: dropping a table is refused (403): withdraw versions instead",
			params: []param{ns, tbl}, reply: typeOf[IcebergError](), handle: icebergAction(icebergReadOnly)},
	}
}

// icebergAction answers a REST catalog call, errors in the spec's model.
func icebergAction[T any](fn func(s *Server, r *http.Request) (T, error)) func(s *Server) http.HandlerFunc {
	return func(s *Server) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			result, err := fn(s, r)
			if err == nil {
				writeJSON(w, http.StatusOK, result)
				return
			}
			st := status(govlake.ErrorCode(err))
			if st >= 500 {
				s.logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			}
			writeJSON(w, st, IcebergError{Error: IcebergErrorModel{Message: govlake.ErrorMessage(err), Type: icebergErrorType(st, r), Code: st}})
		}
	}
}

// icebergErrorType is the exception the REST spec's clients expect.
func icebergErrorType(st int, r *http.Request) string {
	switch st {
	case http.StatusNotFound:
		if r.PathValue("table") != "" {
			return "NoSuchTableException"
		}
		return "NoSuchNamespaceException"
	case http.StatusBadRequest:
		return "BadRequestException"
	case http.StatusUnauthorized:
		return "NotAuthorizedException"
	case http.StatusForbidden:
		return "ForbiddenException"
	case http.StatusServiceUnavailable:
		return "ServiceUnavailableException"
	}
	return "ServerErrorException"
}

func icebergConfig(s *Server, r *http.Request) (IcebergConfig, error) {
	return IcebergConfig{Defaults: map[string]string{}, Overrides: map[string]string{}, Endpoints: []string{
		"GET /v1/{prefix}/namespaces", "GET /v1/{prefix}/namespaces/{namespace}",
		"GET /v1/{prefix}/namespaces/{namespace}/tables", "GET /v1/{prefix}/namespaces/{namespace}/tables/{table}",
	}}, nil
}

func icebergNamespaces(s *Server, r *http.Request) (IcebergNamespaces, error) {
	if p := r.URL.Query().Get("parent"); p != "" {
		if p != catalog.TableNamespace {
			return IcebergNamespaces{}, govlake.Errorf(govlake.ENOTFOUND, "no namespace %q: the only one is %q", p, catalog.TableNamespace)
		}
		return IcebergNamespaces{Namespaces: [][]string{}}, nil
	}
	return IcebergNamespaces{Namespaces: [][]string{{catalog.TableNamespace}}}, nil
}

func namespaceOf(r *http.Request) error {
	if ns := r.PathValue("namespace"); ns != catalog.TableNamespace {
		return govlake.Errorf(govlake.ENOTFOUND, "no namespace %q: the only one is %q", ns, catalog.TableNamespace)
	}
	return nil
}

func icebergNamespace(s *Server, r *http.Request) (IcebergNamespace, error) {
	if err := namespaceOf(r); err != nil {
		return IcebergNamespace{}, err
	}
	return IcebergNamespace{Namespace: []string{catalog.TableNamespace}, Properties: map[string]string{}}, nil
}

func icebergTableList(s *Server, r *http.Request) (IcebergTables, error) {
	if err := namespaceOf(r); err != nil {
		return IcebergTables{}, err
	}
	n := [2]int{catalog.DefaultPageSize, 0}
	for i, name := range []string{"pageSize", "pageToken"} {
		if v := r.URL.Query().Get(name); v != "" {
			x, err := strconv.Atoi(v)
			if err != nil {
				return IcebergTables{}, govlake.Errorf(govlake.EINVALID, "%s %q must be a whole number (a page token is the one the previous page gave)", name, v)
			}
			n[i] = x
		}
	}
	page, err := catalog.ListPage(n[0], n[1])
	if err != nil {
		return IcebergTables{}, err
	}
	names, total, err := s.catalog.TableNames(r.Context(), page)
	if err != nil {
		return IcebergTables{}, err
	}
	out := IcebergTables{Identifiers: []IcebergIdent{}}
	for _, name := range names {
		out.Identifiers = append(out.Identifiers, IcebergIdent{Namespace: []string{catalog.TableNamespace}, Name: name})
	}
	if end := page.Offset + len(names); end < total {
		out.NextPageToken = strconv.Itoa(end)
	}
	return out, nil
}

func icebergLoadTable(s *Server, r *http.Request) (IcebergTable, error) {
	if err := namespaceOf(r); err != nil {
		return IcebergTable{}, err
	}
	t, err := s.catalog.OpenTable(r.Context(), r.PathValue("table"))
	if err != nil {
		return IcebergTable{}, err
	}
	return IcebergTable{MetadataLocation: t.Location, Metadata: t.Metadata, Config: map[string]string{}}, nil
}

func icebergReadOnly(s *Server, r *http.Request) (IcebergError, error) {
	return IcebergError{}, govlake.Errorf(govlake.EFORBIDDEN, "this Iceberg catalog is read-only: tables change only when ingest publishes a dataset's versions")
}
