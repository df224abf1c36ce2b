package govlake

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParsePeriod reads a KPI period: a year (2018), a quarter (2018-Q2), a
// month (2018-05) or a date (2018-05-31). It returns the period's place
// in time as a fractional year (the start of the period), for paces.
func ParsePeriod(p string) (float64, error) {
	p = strings.TrimSpace(p)
	bad := Errorf(EINVALID, "period %q must be a year (2018), a quarter (2018-Q2), a month (2018-05) or a date (2018-05-31)", p)
	if len(p) < 4 {
		return 0, bad
	}
	y, err := strconv.Atoi(p[:4])
	if err != nil || y < 1000 {
		return 0, bad
	}
	rest := p[4:]
	switch {
	case rest == "":
		return float64(y), nil
	case len(rest) == 3 && (rest[:2] == "-Q" || rest[:2] == "-q") && rest[2] >= '1' && rest[2] <= '4':
		return float64(y) + float64(rest[2]-'1')/4, nil
	case len(rest) == 3 && rest[0] == '-':
		m, err := strconv.Atoi(rest[1:])
		if err != nil || m < 1 || m > 12 {
			return 0, bad
		}
		return float64(y) + float64(m-1)/12, nil
	case len(rest) == 6:
		d, err := time.Parse(time.DateOnly, p)
		if err != nil {
			return 0, bad
		}
		return float64(y) + float64(d.YearDay()-1)/365.25, nil
	}
	return 0, bad
}

// PeriodText writes a period value from a query (a number, text or date)
// as a period.
func PeriodText(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if x == float64(int64(x)) {
			return strconv.FormatInt(int64(x), 10)
		}
	case string:
		return x
	}
	return fmt.Sprint(v)
}
