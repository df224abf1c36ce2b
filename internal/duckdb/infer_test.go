package duckdb

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestInferSchema(t *testing.T) {
	dir := t.TempDir()
	csv := "week,cases,rate,ok,day,note\n2024-W01,12,0.5,true,2024-01-02,a\n2024-W02,,1.25,false,2024-01-09,\n"
	os.WriteFile(filepath.Join(dir, "a"), []byte(csv), 0o644)
	f, _ := os.Create(filepath.Join(dir, "b"))
	zw := gzip.NewWriter(f)
	zw.Write([]byte(csv))
	zw.Close()
	f.Close()
	for _, name := range []string{"a", "b"} {
		s, err := InferSchema(context.Background(), filepath.Join(dir, name), "csv")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(s["properties"])
		if want := `{"cases":{"type":"integer"},"day":{"format":"date","type":"string"},"note":{"type":"string"},"ok":{"type":"boolean"},"rate":{"type":"number"},"week":{"type":"string"}}`; string(b) != want {
			t.Errorf("%s: %s", name, b)
		}
	}
	if _, err := InferSchema(context.Background(), filepath.Join(dir, "a"), "xlsx"); err == nil {
		t.Error("xlsx inferred")
	}
}
