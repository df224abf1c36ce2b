package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"govlake/internal/govlake"
)

var update = flag.Bool("update", false, "rewrite golden files")

// messagesSchema uses every keyword a tabular schema does.
const messagesSchema = `{
  "type": "object",
  "required": ["id", "name"],
  "additionalProperties": false,
  "properties": {
    "id":      {"type": "integer", "minimum": 1},
    "name":    {"type": "string", "minLength": 2, "maxLength": 12},
    "code":    {"type": "string", "pattern": "^[A-Z]{3}$", "examples": ["MMR"]},
    "age":     {"type": "integer", "minimum": 0, "maximum": 130},
    "share":   {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    "step":    {"type": "integer", "multipleOf": 5},
    "sex":     {"type": "string", "enum": ["F", "M", "X"]},
    "country": {"type": "string", "const": "Myanmar"},
    "born":    {"type": "string", "format": "date"},
    "seen":    {"type": "string", "format": "date-time"},
    "email":   {"type": "string", "format": "email"},
    "key":     {"type": "string", "format": "uuid"},
    "member":  {"type": "boolean"}
  }
}`

// messagesCSV breaks each keyword once, and the structure twice.
var messagesCSV = `id,name,code,age,share,step,sex,country,born,seen,email,key,member
1,Aung,MMR,34,0.5,10,F,Myanmar,1990-05-01,2024-01-31T09:30:00Z,a@b.org,6ba7b810-9dad-11d1-80b4-00c04fd430c8,true
0,A,mmr,131,1,7,Q,Laos,2023-02-30,2024-13-01,not-an-email,1234,maybe
x,Mya,MM,-1,0,12,F,Myanmar,2023-02-29,yesterday,,,
3,` + strings.Repeat("long", 60) + `,ABC,5,1.5,5,M,Myanmar,2024-1-1,,,,
4,Hla,ABC,5,0.2,5,M,Myanmar,2024-04-31,,,,1
5,Zaw,ABC,5,0.2,5,M,Myanmar,2024-13-01,,,,

6,Su,ABC,5,0.2,5,M,Myanmar,,,,,,extra
7,,ABC,5,0.2,5,M,Myanmar,,,,,
8,Tun,ABC,5.5,abc,5,M,Myanmar,,,,,yes
9,Ei,ABC,5,0.2,5,M,Myanmar,,,,,
10,Big,` + strings.Repeat("X", 300) + `,5,0.2,5,M,Myanmar,,,,,
`

// Every message a data officer can get, the same from both validators,
// pinned: in words, naming the bound, the pattern or the real calendar,
// never the validator's or Go's own text, never a word twice, and a huge
// cell cut short. (go test -run TestMessages -update rewrites the file.)
func TestMessages(t *testing.T) {
	var outputs []string
	for _, reference := range []bool{false, true} {
		p := newPipeline(t, "people", messagesCSV, messagesSchema, "max_invalid_ratio: 1\n")
		run := runPath(t, p.dir, t.TempDir(), reference)
		if run.Status != govlake.RunSucceeded {
			t.Fatalf("reference=%v: %s %s", reference, run.Status, run.Error)
		}
		var b strings.Builder
		for _, rj := range run.Rejections {
			fmt.Fprintf(&b, "row %d\t%s\t%s\t%s\n", rj.Row, rj.Column, rj.Keyword, rj.Message)
		}
		outputs = append(outputs, b.String())
	}
	if outputs[0] != outputs[1] {
		t.Fatalf("the validators differ:\ncolumn batches:\n%s\nreference:\n%s", outputs[0], outputs[1])
	}
	got := outputs[0]
	for _, bad := range []string{"parsing time", "minimum: minimum", "got ", "want ", "strconv", "invalid character"} {
		if strings.Contains(got, bad) {
			t.Errorf("a message has %q", bad)
		}
	}
	const golden = "testdata/messages.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test -run TestMessages -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("messages differ from %s (go test -run TestMessages -update after a deliberate change):\n%s", golden, got)
	}
}
