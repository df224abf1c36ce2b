// Command gencsv writes a realistic household-survey CSV of a given size for
// benchmarks and memory measurements, with a chosen share of invalid rows.
//
//	go run ./bench/gencsv -size 1GB -invalid 0.01 > survey.csv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
)

var districts = []string{"Yangon", "Mandalay", "Naypyitaw", "Bago", "Magway", "Sagaing", "Taunggyi", "Mawlamyine", "Pathein", "Myitkyina", "Sittwe", "Hpa-An"}

func main() {
	size := flag.String("size", "100MB", "approximate output size (KB, MB, GB)")
	rows := flag.Int64("rows", 0, "exact number of rows (instead of -size)")
	invalid := flag.Float64("invalid", 0.01, "share of rows with one invalid cell")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	limit, err := parseSize(*size)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencsv:", err)
		os.Exit(2)
	}
	r := rand.New(rand.NewPCG(*seed, 2))
	// Corruption draws from its own source, so the same seed gives the same
	// rows whatever the share of invalid ones.
	bad := rand.New(rand.NewPCG(*seed, 3))
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	n, _ := w.WriteString("id,district_code,district,sex,age,household_size,income,surveyed,email\n")
	written := int64(n)
	var b []byte
	if *rows > 0 {
		limit = 1 << 62
	}
	for id := int64(1); written < limit && (*rows == 0 || id <= *rows); id++ {
		b = b[:0]
		d := r.IntN(len(districts))
		age := r.IntN(95)
		sex := "F"
		if r.IntN(2) == 0 {
			sex = "M"
		}
		b = strconv.AppendInt(b, id, 10)
		b = fmt.Appendf(b, ",MM-%04d,%s,%s,%d,%d,%.2f,2024-%02d-%02d,person%d@example.org\n",
			1000+d*37, districts[d], sex, age, 1+r.IntN(9), r.Float64()*5e6, 1+r.IntN(12), 1+r.IntN(28), id)
		if bad.Float64() < *invalid {
			b = corrupt(bad, b)
		}
		n, err := w.Write(b)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gencsv:", err)
			os.Exit(1)
		}
		written += int64(n)
	}
}

// corrupt breaks one cell the way real files break.
func corrupt(r *rand.Rand, line []byte) []byte {
	cells := strings.Split(strings.TrimSuffix(string(line), "\n"), ",")
	switch r.IntN(5) {
	case 0:
		cells[4] = "unknown" // age not a number
	case 1:
		cells[4] = "150" // age above maximum
	case 2:
		cells[3] = "X" // sex not in enum
	case 3:
		cells[1] = "MM" + cells[1][3:] // code breaks its pattern
	case 4:
		cells[7] = "2024-02-30" // no such date
	}
	return []byte(strings.Join(cells, ",") + "\n")
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	for suffix, m := range map[string]int64{"KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30} {
		if strings.HasSuffix(strings.ToUpper(s), suffix) {
			mult, s = m, s[:len(s)-2]
			break
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("size %q: want a number with KB, MB or GB", s)
	}
	return int64(n * float64(mult)), nil
}
