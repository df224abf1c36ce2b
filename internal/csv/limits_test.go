package csv

import (
	"strings"
	"testing"
)

// Every limit stops the read at the record that passes it, names the row
// and says what to change; Read and the chunked path say the same.
func TestLimits(t *testing.T) {
	small := Limits{LineBytes: 1000, CellBytes: 100, Columns: 5}
	long := strings.Repeat("x", 5000)
	for _, tc := range []struct {
		name, in string
		want     string
	}{
		{"no line breaks", "id,name\n1,a\n2," + long + "\n3,c\n",
			"test.csv: row 3 (line 3) runs past 1000 bytes without ending (max_line_bytes); is this delimited text with line breaks, or is a quote left open? raise max_line_bytes in the pipeline's source if the rows really are this long"},
		{"a quote left open", "id,name\n1,a\n2,\"open\n" + strings.Repeat("more text\n", 200),
			"test.csv: row 3 (line 3) runs past 1000 bytes"},
		{"a large cell", "id,name\n1,a\n2," + strings.Repeat("y", 150) + "\n",
			"test.csv: row 3, column 2 holds 150 bytes, more than 100 bytes (max_cell_bytes); raise max_cell_bytes in the pipeline's source if the cell is meant to be this large"},
		{"too many columns", "a,b,c\n1,2,3\n1,2,3,4,5,6,7\n",
			"test.csv: row 3 has 7 columns, more than 5 (max_columns); check the delimiter, or raise max_columns in the pipeline's source"},
	} {
		o := Options{Delimiter: ",", Limits: small}
		_, _, err := readAll(t, tc.in, o)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s, Read: %v\nwant %q", tc.name, err, tc.want)
		}
		for _, size := range []int{64, 4096} {
			_, cerr := chunked(tc.in, o, size)
			if cerr == nil || !strings.HasPrefix(cerr.Error(), tc.want) {
				t.Errorf("%s, chunks of %d: %v\nwant %q", tc.name, size, cerr, tc.want)
			}
		}
	}
	// Within the limits, the same shapes read.
	if _, rows, err := readAll(t, "id,name\n1,"+strings.Repeat("y", 100)+"\n", Options{Limits: small}); err != nil || len(rows) != 1 {
		t.Errorf("at the limits: %v, %d rows", err, len(rows))
	}
}
