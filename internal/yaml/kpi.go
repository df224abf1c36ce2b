package yaml

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	goyaml "github.com/goccy/go-yaml"

	"govlake/internal/govlake"
)

// kpiFile mirrors a KPI file (README, "KPI reports").
type kpiFile struct {
	ID          string `yaml:"id"`
	Title       any    `yaml:"title"`
	Description any    `yaml:"description"`
	Owner       string `yaml:"owner"`
	Unit        string `yaml:"unit"`
	Format      struct {
		Decimals  *int `yaml:"decimals"`
		Percent   bool `yaml:"percent"`
		Thousands bool `yaml:"thousands"`
	} `yaml:"format"`
	Direction string `yaml:"direction"`
	Frequency string `yaml:"frequency"`
	SQL       string `yaml:"sql"`
	Headline  string `yaml:"headline"`
	Baseline  *struct {
		Period any `yaml:"period"`
	} `yaml:"baseline"`
	Targets []struct {
		Period    any     `yaml:"period"`
		Value     float64 `yaml:"value"`
		Dimension string  `yaml:"dimension"`
	} `yaml:"targets"`
	Caveats any `yaml:"caveats"`
}

// text reads a text given as a string or as a map of languages.
func text(v any, key string) (govlake.Text, error) { return govlake.TextOf(v, key) }

// LoadKPI reads one KPI file.
func LoadKPI(path string) (*govlake.KPI, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "%s cannot be read", path)
	}
	var f kpiFile
	if err := goyaml.UnmarshalWithOptions(data, &f, goyaml.Strict()); err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "%s: %s", path, decodeMessage(err, data))
	}
	k := &govlake.KPI{ID: f.ID, Owner: f.Owner, Unit: f.Unit, Direction: f.Direction, Frequency: f.Frequency,
		SQL: f.SQL, Headline: f.Headline, File: path,
		Format: govlake.ValueFormat{Decimals: f.Format.Decimals, Percent: f.Format.Percent, Thousands: f.Format.Thousands}}
	if k.Direction == "" {
		k.Direction = govlake.DirectionIncrease
	}
	var errs []error
	for _, tx := range []struct {
		dst *govlake.Text
		v   any
		key string
	}{{&k.Title, f.Title, "title"}, {&k.Description, f.Description, "description"}, {&k.Caveats, f.Caveats, "caveats"}} {
		t, err := text(tx.v, tx.key)
		if err != nil {
			errs = append(errs, govlake.Errorf(govlake.EINVALID, "%s: %s", path, err.Error()))
		}
		*tx.dst = t
	}
	if f.Baseline != nil {
		k.Baseline = &govlake.Baseline{Period: fmt.Sprint(f.Baseline.Period)}
	}
	for _, t := range f.Targets {
		k.Targets = append(k.Targets, govlake.Target{Period: fmt.Sprint(t.Period), Value: t.Value, Dimension: t.Dimension})
	}
	if err := k.Validate(); err != nil {
		errs = append(errs, prefix(path, err))
	}
	return k, errors.Join(errs...)
}

// LoadKPIs reads every *.yaml file of dir as a KPI. A missing folder means
// no KPIs. It returns the KPIs that loaded and an error per problem.
func LoadKPIs(dir string) ([]*govlake.KPI, error) {
	names, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	sort.Strings(names)
	return loadAll(names, LoadKPI, func(k *govlake.KPI) string { return k.ID }, "KPI")
}
