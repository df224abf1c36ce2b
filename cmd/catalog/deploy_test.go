package main

import (
	"context"
	"io"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"govlake/internal/deploytest"
)

// The deployment files (deploy/: systemd unit, Dockerfile, compose) start
// the catalogue with flags; each must be one the command knows, so the
// files cannot drift from it. (The image itself is not built here: this
// machine has no Docker engine.)
func TestDeployFilesUseKnownFlags(t *testing.T) {
	var help strings.Builder
	Main(context.Background(), []string{"-h"}, io.Discard, &help, nil)
	if n := strings.Count(help.String(), "\n  -"); n < 30 {
		t.Fatalf("read %d flags from -h:\n%s", n, help.String())
	}
	deploytest.CheckFlags(t, "catalog", help.String(), map[string]string{
		"../../deploy/systemd/govlake-catalog.service": `(?m)^ExecStart=/usr/local/bin/catalog (.*)$`,
		"../../deploy/Dockerfile":                      `(?m)^CMD \[(.*)\]$`,
		"../../deploy/compose.yaml":                    `(?m)^    command: \[("-addr".*)\]$`,
		"../../deploy/kubernetes/catalog.yaml":         `(?m)^\s+args: \[("-addr".*)\]$`,
	})
}

// The engines' configurations (deploy/trino, deploy/spark) point at what
// compose.yaml runs: the catalogue's Iceberg REST path (which answers its
// config call), the store's S3 endpoint, and its bucket and prefix as the
// Hadoop warehouse. (Trino and Spark themselves cannot be run here: no
// Docker engine and no Maven Central.)
func TestEngineConfigsPointAtTheLake(t *testing.T) {
	compose := readFile(t, "../../deploy/compose.yaml")
	store := regexp.MustCompile(`"-store", "(s3://[^"]+)"`).FindStringSubmatch(compose)
	addr := regexp.MustCompile(`(?m)^  catalog:\n(?:    .*\n)*?    command: \["-addr", "0.0.0.0:(\d+)"`).FindStringSubmatch(compose)
	if store == nil || addr == nil {
		t.Fatalf("compose.yaml: no catalogue store or address")
	}
	u, err := url.Parse(store[1])
	if err != nil {
		t.Fatal(err)
	}
	endpoint, warehouse := u.Query().Get("endpoint"), "s3://"+u.Host+u.Path
	rest := "http://catalog:" + addr[1] + "/iceberg"
	trino := readFile(t, "../../deploy/trino/catalog/govlake.properties")
	spark := readFile(t, "../../deploy/spark/spark-defaults.conf")
	for _, c := range []struct{ file, text, line string }{
		{"trino", trino, "iceberg.rest-catalog.uri=" + rest},
		{"trino", trino, "s3.endpoint=" + endpoint},
		{"spark", spark, "spark.sql.catalog.govlake.uri             " + rest},
		{"spark", spark, "spark.sql.catalog.govlake.s3.endpoint     " + endpoint},
		{"spark", spark, "spark.sql.catalog.lake.warehouse          " + warehouse},
		{"spark", spark, "spark.sql.catalog.lake.s3.endpoint        " + endpoint},
	} {
		if !strings.Contains(c.text, "\n"+c.line+"\n") {
			t.Errorf("%s configuration lacks the line %q", c.file, c.line)
		}
	}
	var cfg struct{ Endpoints []string }
	getJSON(t, "GET", bundledCatalog(t)+strings.TrimPrefix(rest, "http://catalog:"+addr[1])+"/v1/config", "", 200, &cfg)
	if len(cfg.Endpoints) != 4 {
		t.Errorf("the REST catalog's config: %+v", cfg)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
