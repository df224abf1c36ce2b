package govlake

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// KPI is an indicator that policymakers follow: a SQL query over the
// datasets that gives a value per period (and per dimension, such as a
// country), a baseline, and targets.
type KPI struct {
	ID          string      `json:"id"`
	Title       Text        `json:"title"`
	Description Text        `json:"description,omitempty"`
	Owner       string      `json:"owner,omitempty"`
	Unit        string      `json:"unit,omitempty"`
	Format      ValueFormat `json:"format"`
	Direction   string      `json:"direction"` // increase | decrease: which way is better
	Frequency   string      `json:"frequency,omitempty"`
	SQL         string      `json:"sql"`
	Headline    string      `json:"headline,omitempty"` // the dimension shown on the card
	Baseline    *Baseline   `json:"baseline,omitempty"`
	Targets     []Target    `json:"targets,omitempty"`
	Caveats     Text        `json:"caveats,omitempty"`
	File        string      `json:"-"`
}

// ValueFormat says how a KPI's values are written for people.
type ValueFormat struct {
	Decimals  *int `json:"decimals,omitempty"`
	Percent   bool `json:"percent,omitempty"`
	Thousands bool `json:"thousands,omitempty"`
}

// Baseline is the period progress is measured from.
type Baseline struct {
	Period string `json:"period"`
}

// Target is a value to reach by a period, for one dimension or for all.
type Target struct {
	Period    string  `json:"period"`
	Value     float64 `json:"value"`
	Dimension string  `json:"dimension,omitempty"`
}

// Directions of a KPI.
const (
	DirectionIncrease = "increase"
	DirectionDecrease = "decrease"
)

// Validate names every problem of a KPI definition.
func (k *KPI) Validate() error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, &Error{Code: EINVALID, Message: fmt.Sprintf(format, args...)})
	}
	if !DatasetIDPattern.MatchString(k.ID) {
		add("id: %q must match %s", k.ID, DatasetIDPattern)
	}
	if k.Title.In("en") == "" {
		add("title: required (a text, or a map of languages with en)")
	}
	switch k.Direction {
	case DirectionIncrease, DirectionDecrease:
	default:
		add("direction: %q must be increase or decrease (which way is better)", k.Direction)
	}
	switch k.Frequency {
	case "", "annual", "biennial", "quarterly", "monthly":
	default:
		add("frequency: %q must be annual, biennial, quarterly or monthly", k.Frequency)
	}
	if strings.TrimSpace(k.SQL) == "" {
		add("sql: required (a SELECT that returns period, value and, if any, dimension)")
	}
	if k.Baseline != nil {
		if _, err := ParsePeriod(k.Baseline.Period); err != nil {
			add("baseline.period: %s", ErrorMessage(err))
		}
	}
	for i, t := range k.Targets {
		if _, err := ParsePeriod(t.Period); err != nil {
			add("targets[%d].period: %s", i, ErrorMessage(err))
		}
	}
	if k.Format.Decimals != nil && (*k.Format.Decimals < 0 || *k.Format.Decimals > 10) {
		add("format.decimals: %d must be from 0 to 10", *k.Format.Decimals)
	}
	return errors.Join(errs...)
}

// TargetFor returns the target of a dimension: its own, or the one for all.
func (k *KPI) TargetFor(dimension string) *Target {
	var all *Target
	for i, t := range k.Targets {
		switch t.Dimension {
		case dimension:
			return &k.Targets[i]
		case "":
			all = &k.Targets[i]
		}
	}
	return all
}

// Write writes a value as the KPI's format says: a percentage (0.452 is
// 45.2%), a number of decimals, thousands grouped.
func (f ValueFormat) Write(v float64) string {
	decimals := -1
	if f.Decimals != nil {
		decimals = *f.Decimals
	}
	suffix := ""
	if f.Percent {
		v, suffix = v*100, "%"
		if decimals < 0 {
			decimals = 1
		}
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if f.Thousands {
		s = GroupThousands(s)
	}
	return s + suffix
}

// GroupThousands puts a comma between the thousands of a decimal's whole
// part: 1234567.5 is 1,234,567.5.
func GroupThousands(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	if hasFrac {
		whole += "." + frac
	}
	return sign + whole
}
