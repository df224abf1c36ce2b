package web

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
)

// resultFormat is one way to write a query result.
type resultFormat struct {
	Name, MediaType, Ext string
}

// formats are the result formats, in the order the API documents them.
var formats = []resultFormat{
	{"json", "application/json", "json"},
	{"ndjson", "application/x-ndjson", "ndjson"},
	{"csv", "text/csv; charset=utf-8", "csv"},
	{"parquet", "application/vnd.apache.parquet", "parquet"},
	{"arrow", "application/vnd.apache.arrow.stream", "arrows"},
}

func formatNamed(name string) (resultFormat, bool) {
	for _, f := range formats {
		if f.Name == name {
			return f, true
		}
	}
	return resultFormat{}, false
}

// format checks a requested format; "" is JSON.
func (s *Server) format(name string) (string, error) {
	if name == "" {
		return "json", nil
	}
	if _, ok := formatNamed(name); !ok {
		return "", govlake.Errorf(govlake.EINVALID, "format %q is not supported: use json, ndjson, csv, parquet or arrow", name)
	}
	if (name == "parquet" || name == "arrow") && s.NewTableWriter == nil {
		return "", govlake.Errorf(govlake.EINVALID, "format %q is not available on this server", name)
	}
	return name, nil
}

// rowEncoder writes the rows of one result in one format.
type rowEncoder struct {
	write  func(row []any) error
	finish func() error
}

// formulaStart are the first characters with which a spreadsheet reads a
// cell as a formula (OWASP's CSV injection rule).
const formulaStart = "=+-@\t\r"

// spreadsheetSafe prefixes a text cell that a spreadsheet would run as a
// formula with an apostrophe, which spreadsheets show as text. Numbers are
// left alone: a number is never a formula.
func spreadsheetSafe(v any, text string) string {
	if _, isText := v.(string); isText && text != "" && strings.ContainsRune(formulaStart, rune(text[0])) {
		return "'" + text
	}
	return text
}

// newEncoder starts a result in format on w, given its columns. A CSV's
// text cells are made safe for spreadsheets unless raw (for programs).
func (s *Server) newEncoder(w io.Writer, format string, cols []govlake.ResultColumn, raw bool) (*rowEncoder, error) {
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		rec := make([]string, len(cols))
		for i, c := range cols {
			rec[i] = c.Name
		}
		if err := cw.Write(rec); err != nil {
			return nil, err
		}
		return &rowEncoder{write: func(row []any) error {
			for i, v := range row {
				rec[i] = textCell(v)
				if !raw {
					rec[i] = spreadsheetSafe(v, rec[i])
				}
			}
			if len(rec) == 1 && rec[0] == "" && row[0] == nil {
				// encoding/csv writes a lone empty field as an empty line,
				// which readers skip: quote it so the NULL row stays a row.
				cw.Flush()
				_, err := io.WriteString(w, "\"\"\n")
				return err
			}
			return cw.Write(rec)
		}, finish: func() error { cw.Flush(); return cw.Error() }}, nil
	case "ndjson":
		enc := json.NewEncoder(w)
		obj := make(map[string]any, len(cols))
		return &rowEncoder{write: func(row []any) error {
			for i, c := range cols {
				obj[c.Name] = row[i]
			}
			return enc.Encode(obj)
		}, finish: func() error { return nil }}, nil
	}
	tcols := catalog.ResultColumns(cols)
	tw, err := s.NewTableWriter(w, format, tcols)
	if err != nil {
		return nil, err
	}
	return &rowEncoder{write: func(row []any) error {
		for i, v := range row {
			if v != nil && tcols[i].Type == govlake.TypeString {
				row[i] = textCell(v)
			}
		}
		return tw.Write(row)
	}, finish: tw.Close}, nil
}

// stream writes a result as its rows come, so a whole dataset can be
// downloaded without being held in memory. The rows go through a spool
// (spool.go): the query runs at its own pace and frees its slot when it
// ends, while this goroutine sends the spool to the client.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, sql, format string, args ...any) {
	sp := newSpool(s.SpoolDir, s.MaxDownload, s.spool)
	defer sp.close()
	started := make(chan struct{}) // the headers are set; w is this goroutine's again
	ended := make(chan error, 1)
	raw := r.URL.Query().Get("raw") == "true"
	go func() {
		var enc *rowEncoder
		err := s.queries.Stream(r.Context(), sql, func(cols []govlake.ResultColumn) error {
			f, _ := formatNamed(format)
			w.Header().Set("Content-Type", f.MediaType)
			w.Header().Set("Content-Disposition", `attachment; filename="result.`+f.Ext+`"`)
			var err error
			if enc, err = s.newEncoder(sp, format, cols, raw); err == nil {
				close(started)
			}
			return err
		}, func(row []any) error { return enc.write(row) }, args...)
		if err == nil {
			err = enc.finish()
		}
		sp.finish(err)
		if enc == nil {
			ended <- err
		}
		close(ended)
	}()
	select {
	case err, failed := <-ended:
		if failed { // it ended before its headers: nothing to send but the error
			s.fail(w, r, err)
			return
		}
		// Closed without a value: it ended after its headers, and both
		// channels were ready when select chose.
	case <-started:
	}
	sent, werr := sp.copyTo(w)
	for range ended { // the query has stopped: its spool may close
	}
	if errors.Is(werr, errHead) {
		return // a HEAD: the headers are sent, the rest is not computed
	}
	err := sp.result()
	if err != nil && sent == 0 && werr == nil {
		w.Header().Del("Content-Disposition")
		s.fail(w, r, err) // nothing was sent: the status can still say it
		return
	}
	if err != nil || werr != nil {
		// Too late for a status: cut the response so the client cannot take
		// a partial file for a whole one.
		s.logger.Warn("query stream cut", "request_id", RequestID(r.Context()), "path", r.URL.Path, "err", errors.Join(err, werr))
		panic(http.ErrAbortHandler)
	}
}

// textCell writes a value as text (govlake.CellText).
func textCell(v any) string { return govlake.CellText(v) }
