package main

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// Saved queries: listed, run with bound parameters, refused with clear
// errors.
func TestSavedQueries(t *testing.T) {
	base := bundledCatalog(t)
	var list struct {
		Queries []struct {
			Name   string
			Params []struct{ Name, Type string }
		}
	}
	getJSON(t, "GET", base+"/api/v1/queries", "", 200, &list)
	if len(list.Queries) != 2 || list.Queries[1].Name != "population_of" || len(list.Queries[1].Params) != 2 {
		t.Fatalf("queries %+v", list.Queries)
	}
	var res queryResult
	getJSON(t, "GET", base+"/api/v1/queries/population_of?country=MMR&from=2014", "", 200, &res)
	if len(res.Rows) != 11 || fmt.Sprint(res.Rows[0]) != "[2014 5.0681634e+07]" {
		t.Errorf("population_of: %d rows, first %v", len(res.Rows), res.Rows)
	}
	// The default applies; a value is bound, so SQL in it is just text.
	getJSON(t, "GET", base+"/api/v1/queries/population_of?country=MMR", "", 200, &res)
	if len(res.Rows) != 65 {
		t.Errorf("with the default: %d rows", len(res.Rows))
	}
	getJSON(t, "GET", base+"/api/v1/queries/population_of?country="+url.QueryEscape("MMR' OR 1=1 --"), "", 200, &res)
	if len(res.Rows) != 0 {
		t.Errorf("injection matched %d rows", len(res.Rows))
	}
	getJSON(t, "GET", base+"/api/v1/queries/gdp_per_capita?year=2020", "", 200, &res)
	if len(res.Rows) != 5 || res.Rows[0][0] != "Africa" {
		t.Errorf("gdp_per_capita: %v", res.Rows)
	}
	resp, body := download(t, base+"/api/v1/queries/population_of?country=LAO&from=2020&format=csv")
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || strings.Count(string(body), "\n") != 6 {
		t.Errorf("csv: %q", body)
	}
	for q, want := range map[string]string{
		"population_of":                        "country is required",
		"population_of?country=MMR&from=soon":  `from: "soon" is not a valid integer`,
		"population_of?country=MMR&colour=red": "unknown parameter colour",
	} {
		var e struct {
			Error struct{ Code, Message string }
		}
		getJSON(t, "GET", base+"/api/v1/queries/"+q, "", 400, &e)
		if !strings.Contains(e.Error.Message, want) {
			t.Errorf("%s: %q, want %q", q, e.Error.Message, want)
		}
	}
	var e struct{ Error struct{ Code string } }
	getJSON(t, "GET", base+"/api/v1/queries/nope", "", 404, &e)
}
