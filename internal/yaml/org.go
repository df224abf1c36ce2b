package yaml

import (
	"errors"
	"os"
	"path/filepath"
	"sort"

	goyaml "github.com/goccy/go-yaml"

	"govlake/internal/govlake"
)

// orgFile mirrors an organisation file (README, "Organisations").
type orgFile struct {
	ID          string `yaml:"id"`
	Name        any    `yaml:"name"`
	Description any    `yaml:"description"`
	Website     string `yaml:"website"`
	Email       string `yaml:"email"`
	Logo        string `yaml:"logo"`
	Review      string `yaml:"review"`
}

// LoadOrganization reads one organisation file.
func LoadOrganization(path string) (*govlake.Organization, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "%s cannot be read", path)
	}
	var f orgFile
	if err := goyaml.UnmarshalWithOptions(data, &f, goyaml.Strict()); err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "%s: %s", path, decodeMessage(err, data))
	}
	o := &govlake.Organization{ID: f.ID, Website: f.Website, Email: f.Email, Review: f.Review, File: path}
	if st, err := os.Stat(path); err == nil {
		o.Created = st.ModTime().UTC()
	}
	var errs []error
	for _, tx := range []struct {
		dst *govlake.Text
		v   any
		key string
	}{{&o.Name, f.Name, "name"}, {&o.Description, f.Description, "description"}} {
		t, err := text(tx.v, tx.key)
		if err != nil {
			errs = append(errs, govlake.Errorf(govlake.EINVALID, "%s: %s", path, err.Error()))
		}
		*tx.dst = t
	}
	if f.Logo != "" {
		o.Logo = filepath.Join(filepath.Dir(path), f.Logo)
		if st, err := os.Stat(o.Logo); err != nil {
			errs = append(errs, govlake.Errorf(govlake.EINVALID, "%s: logo: %s does not exist", path, f.Logo))
		} else if st.Size() > govlake.MaxLogoBytes {
			errs = append(errs, govlake.Errorf(govlake.EINVALID, "%s: logo: %s is %d bytes; at most %d", path, f.Logo, st.Size(), govlake.MaxLogoBytes))
		}
	}
	if err := o.Validate(); err != nil {
		errs = append(errs, prefix(path, err))
	}
	return o, errors.Join(errs...)
}

// LoadOrganizations reads every *.yaml file of dir as an organisation. A
// missing folder means none.
func LoadOrganizations(dir string) ([]*govlake.Organization, error) {
	names, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	sort.Strings(names)
	return loadAll(names, LoadOrganization, func(o *govlake.Organization) string { return o.ID }, "organization")
}
