package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/csv"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// pgPort is a free loopback port for -pg-addr.
func pgPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// pgConnect connects with pgx, waiting for the endpoint to listen.
func pgConnect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		conn, err := pgx.Connect(ctx, url)
		if err == nil {
			t.Cleanup(func() { conn.Close(context.Background()) })
			return conn
		}
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) || ctx.Err() != nil {
			t.Fatalf("connect %s: %v", url, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sourceRows reads a bundled CSV file whole, header first, independently
// of govlake.
func sourceRows(t *testing.T, file string) [][]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return rows
}

// sourceFigure reads one cell of a bundled CSV: column col of the row whose
// columns match where.
func sourceFigure(t *testing.T, file, col string, where map[string]string) string {
	t.Helper()
	rows := sourceRows(t, file)
	idx := map[string]int{}
	for i, h := range rows[0] {
		idx[h] = i
	}
	for _, r := range rows[1:] {
		ok := true
		for k, v := range where {
			ok = ok && r[idx[k]] == v
		}
		if ok {
			return r[idx[col]]
		}
	}
	t.Fatalf("%s: no row %v", file, where)
	return ""
}

// pgx reads the bundled datasets through the PostgreSQL endpoint with the
// simple and the extended protocol, in text and in binary, and gets the
// figures of the source files; writes are refused as a read-only server
// refuses them.
func TestPostgresPgx(t *testing.T) {
	port := pgPort(t)
	startCatalog(t, bundled.storeOr(t), "-organizations", "../../organizations", "-pg-addr", "127.0.0.1:"+port)
	conn := pgConnect(t, "postgres://analyst@127.0.0.1:"+port+"/govlake?sslmode=disable")
	ctx := context.Background()
	want := sourceFigure(t, "../../datasets/worldbank/population.csv", "Value", map[string]string{"Country Code": "MMR", "Year": "2020"})
	const q = `SELECT "Value" FROM population WHERE "Country Code" = $1 AND "Year" = $2`
	modes := []struct {
		name string
		args []any
	}{
		{"extended, binary", []any{"MMR", 2020}},
		{"extended, text results", []any{pgx.QueryResultFormats{pgx.TextFormatCode}, "MMR", 2020}},
		{"simple protocol", []any{pgx.QueryExecModeSimpleProtocol, "MMR", 2020}},
		{"described statement", []any{pgx.QueryExecModeDescribeExec, "MMR", 2020}},
	}
	for _, m := range modes {
		var v int64
		if err := conn.QueryRow(ctx, q, m.args...).Scan(&v); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if strconv.FormatInt(v, 10) != want {
			t.Errorf("%s: %d, want %s", m.name, v, want)
		}
	}
	// A float, a text and a count, typed as PostgreSQL types them.
	egdi := sourceFigure(t, "../../datasets/egdi/egdi.csv", "e-gov-index", map[string]string{"year": "2018", "country-code": "MMR"})
	var idx float64
	var name string
	var n int64
	err := conn.QueryRow(ctx, `SELECT "e-gov-index", "country-name", (SELECT count(*) FROM egdi) FROM egdi WHERE year = 2018 AND "country-code" = 'MMR'`).Scan(&idx, &name, &n)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := strconv.ParseFloat(egdi, 64)
	if idx != f || name != "Myanmar" {
		t.Errorf("egdi: %v %q, want %v Myanmar", idx, name, f)
	}
	lines, _ := os.ReadFile("../../datasets/egdi/egdi.csv")
	if rows := strings.Count(strings.TrimSpace(string(lines)), "\n"); n != int64(rows) {
		t.Errorf("count(*) %d, the file has %d rows", n, rows)
	}
	for stmt, code := range map[string]string{
		"DROP TABLE population":            "25006",
		"SELECT * FROM no_such_dataset":    "42P01",
		"SELECT * FROM read_csv('/etc/x')": "42601",
	} {
		_, err := conn.Exec(ctx, stmt)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != code || strings.Contains(pgErr.Message, "govlake/internal") {
			t.Errorf("%s: %v, want SQLSTATE %s", stmt, err, code)
		}
	}
	// Session commands clients send are accepted.
	for _, stmt := range []string{"SET application_name = 'metabase'", "BEGIN", "COMMIT", "SET extra_float_digits = 3", "DISCARD ALL"} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			t.Errorf("%s: %v", stmt, err)
		}
	}
	var iso string
	if err := conn.QueryRow(ctx, "SHOW transaction isolation level").Scan(&iso); err != nil || iso != "read committed" {
		t.Errorf("SHOW: %q %v", iso, err)
	}
}

// The questions a BI tool asks when it connects (SQLAlchemy's PostgreSQL
// dialect, which Superset uses: version, schema, schemas, tables, columns;
// and information_schema) answer with the datasets and their columns.
func TestPostgresBIMetadata(t *testing.T) {
	port := pgPort(t)
	base := startCatalog(t, bundled.storeOr(t), "-organizations", "../../organizations", "-pg-addr", "127.0.0.1:"+port)
	conn := pgConnect(t, "postgres://superset@127.0.0.1:"+port+"/govlake?sslmode=disable")
	ctx := context.Background()
	col := func(sql string) []string {
		t.Helper()
		rows, err := conn.Query(ctx, sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, v := range vals {
				parts = append(parts, strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(toText(v), "\n", " "), "  ", " ")))
			}
			out = append(out, strings.Join(parts, "|"))
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return out
	}
	if v := col("select pg_catalog.version()"); len(v) != 1 || !strings.HasPrefix(v[0], "PostgreSQL 15") {
		t.Errorf("version() %v", v)
	}
	if v := col("select current_schema()"); strings.Join(v, ",") != "main" {
		t.Errorf("current_schema() %v", v)
	}
	if v := col("SELECT CAST('test plain returns' AS VARCHAR(60)) AS anon_1"); strings.Join(v, ",") != "test plain returns" {
		t.Errorf("plain returns %v", v)
	}
	if v := col("SELECT pg_catalog.pg_namespace.nspname FROM pg_catalog.pg_namespace WHERE pg_catalog.pg_namespace.nspname NOT LIKE 'pg_%' ORDER BY pg_catalog.pg_namespace.nspname"); strings.Join(v, ",") != "main" {
		t.Errorf("schemas %v", v)
	}
	tables := col("SELECT pg_catalog.pg_class.relname FROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace " +
		"WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p']) AND pg_catalog.pg_class.relpersistence != 't' AND pg_catalog.pg_namespace.nspname = 'main' ORDER BY 1")
	if strings.Join(tables, ",") != "country_codes,country_groups,egdi,gdp,internet_users,population,retail_prices" {
		t.Errorf("tables %v", tables)
	}
	cols := col("SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON a.attrelid = c.oid " +
		"WHERE c.relname = 'population' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")
	if strings.Join(cols, ",") != "Country Name|varchar|false,Country Code|varchar|false,Year|int8|false,Value|int8|false" {
		t.Errorf("columns %v", cols)
	}
	info := col("SELECT table_name, count(*) FROM information_schema.columns WHERE table_name IN ('population', 'gdp') GROUP BY 1 ORDER BY 1")
	if strings.Join(info, ",") != "gdp|4,population|4" {
		t.Errorf("information_schema.columns %v", info)
	}
	// pgjdbc's DatabaseMetaData.getTables (Metabase, DBeaver and other JDBC
	// tools list tables with it), with the patterns "%" and types TABLE.
	jdbc, err := os.ReadFile("testdata/pgjdbc-gettables.sql")
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Datasets []struct{ ID, Title string } }
	getJSON(t, "GET", base+"/api/v1/datasets", "", 200, &list)
	var want []string
	for _, d := range list.Datasets {
		want = append(want, "NULL|main|"+d.ID+"|TABLE|"+d.Title+"|||||")
	}
	if v := col(string(jdbc)); strings.Join(v, ",") != strings.Join(want, ",") {
		t.Errorf("pgjdbc getTables\n%v\nwant\n%v", v, want)
	}
	// The data behind the columns is what the catalogue serves.
	if v := col(`SELECT count(*) FROM "public"."population"`); len(v) != 1 || v[0] == "0" {
		t.Errorf("a schema-qualified table: %v", v)
	}
}

func toText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return "NULL"
	}
	return fmt.Sprint(v)
}

// Debian's psql reads a figure and lists the tables; the user "token" with
// a publishing token as the password also sees its organisation's
// restricted dataset, which no one else sees, not even in the catalogue.
func TestPostgresPsqlAndTokens(t *testing.T) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("psql is missing; the test script installs postgresql-client")
		}
		t.Skip("psql is missing (apt-get install postgresql-client)")
	}
	store := t.TempDir()
	moh := newToken(t, store, "moh", "publisher")
	port := pgPort(t)
	base := startCatalog(t, store, "-pg-addr", "127.0.0.1:"+port)
	for id, access := range map[string]string{"dengue": "", "patients": `"access": "restricted", `} {
		def := []byte(`{"title": "Cases", ` + access + `"schema": ` + casesSchema + `}`)
		if code := call(t, "PUT", base+"/api/v1/datasets/"+id, moh, "application/json", def, nil); code != 201 {
			t.Fatalf("define %s: %d", id, code)
		}
		if code := call(t, "POST", base+"/api/v1/datasets/"+id+"/versions", moh, "text/csv", []byte("week,township,cases\n2024-W01,Bahan,12\n2024-W01,Hlaing,30\n"), nil); code != 201 {
			t.Fatalf("upload %s: %d", id, code)
		}
	}
	run := func(user, password string, args ...string) (string, error) {
		cmd := exec.Command(psql, append([]string{"-h", "127.0.0.1", "-p", port, "-U", user, "-d", "govlake", "-X", "-A", "-t"}, args...)...)
		cmd.Env = append(os.Environ(), "PGPASSWORD="+password, "PGCONNECT_TIMEOUT=10")
		out, err := cmd.CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	pgConnect(t, "postgres://analyst@127.0.0.1:"+port+"/govlake?sslmode=disable") // the endpoint listens
	if out, err := run("analyst", "", "-w", "-c", "SELECT sum(cases) FROM dengue"); err != nil || out != "42" {
		t.Errorf("psql sum: %q %v", out, err)
	}
	if out, _ := run("analyst", "", "-w", "-c", `\dt`); !strings.Contains(out, "|dengue|table|") || strings.Contains(out, "patients") {
		t.Errorf("psql \\dt as anyone:\n%s", out)
	}
	if out, err := run("analyst", "", "-w", "-c", `\d dengue`); err != nil || !strings.Contains(out, "week|varchar|||") || !strings.Contains(out, "cases|int8|||") {
		t.Errorf("psql \\d dengue: %v\n%s", err, out)
	}
	if out, err := run("analyst", "", "-w", "-c", `\l`); err != nil || !strings.Contains(out, "govlake|govlake|UTF8|") {
		t.Errorf("psql \\l: %v\n%s", err, out)
	}
	if out, err := run("analyst", "", "-w", "-c", `\dt+`); err != nil || !strings.Contains(out, "|dengue|table|govlake|") || !strings.HasSuffix(strings.Split(out, "\n")[0], "|Cases") {
		t.Errorf("psql \\dt+: %v\n%s", err, out)
	}
	if out, err := run("analyst", "", "-w", "-c", "SELECT count(*) FROM patients"); err == nil || !strings.Contains(out, "patients") {
		t.Errorf("a restricted dataset for anyone: %q %v", out, err)
	}
	if out, err := run(pgwireTokenUser, moh, "-c", "SELECT sum(cases) FROM patients"); err != nil || out != "42" {
		t.Errorf("psql with the token: %q %v", out, err)
	}
	if out, _ := run(pgwireTokenUser, moh, "-c", `\dt`); !strings.Contains(out, "|patients|table|") {
		t.Errorf("psql \\dt with the token:\n%s", out)
	}
	if out, err := run(pgwireTokenUser, "not-a-token", "-c", "SELECT 1"); err == nil || !strings.Contains(out, "password") {
		t.Errorf("a wrong token: %q %v", out, err)
	}
}

// pgwireTokenUser is the user name that signs in with a token.
const pgwireTokenUser = "token"

// With -pg-cert and -pg-key, clients that require TLS get it.
func TestPostgresTLS(t *testing.T) {
	certFile, keyFile, _ := selfSigned(t)
	port := pgPort(t)
	startCatalog(t, bundled.storeOr(t), "-pg-addr", "127.0.0.1:"+port, "-pg-cert", certFile, "-pg-key", keyFile)
	conn := pgConnect(t, "postgres://analyst@127.0.0.1:"+port+"/govlake?sslmode=require")
	if _, ok := conn.PgConn().Conn().(*tls.Conn); !ok {
		t.Errorf("sslmode=require: the connection is %T, not TLS", conn.PgConn().Conn())
	}
	var n int64
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM gdp").Scan(&n); err != nil || n == 0 {
		t.Errorf("over TLS: %d %v", n, err)
	}
	var stderr strings.Builder
	if code := Main(context.Background(), []string{"-store", t.TempDir(), "-addr", "127.0.0.1:0", "-pg-addr", "127.0.0.1:0", "-pg-cert", keyFile, "-pg-key", keyFile}, io.Discard, &stderr, nil); code != 1 ||
		!strings.Contains(stderr.String(), "-pg-cert "+keyFile+" and -pg-key "+keyFile+": not a certificate and its key in PEM") {
		t.Errorf("a key given as the certificate: exit %d, %s", code, stderr.String())
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key; pool trusts it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	dir := t.TempDir()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
