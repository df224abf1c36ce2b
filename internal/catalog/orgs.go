package catalog

import (
	"context"
	"sort"

	"govlake/internal/govlake"
)

// OrgSummary is an organisation with its datasets. An organisation that a
// dataset names but no file defines is listed too, by its id alone.
type OrgSummary struct {
	*govlake.Organization
	Defined  bool              // an organisation file defines it
	Datasets []govlake.Summary // its datasets, by id
}

// SetOrganizations gives the catalogue the organisations' files.
func (c *Catalog) SetOrganizations(orgs []*govlake.Organization) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.orgs = orgs
	c.orgsCache.Store(nil)
}

// DefinedOrganizations are the organisations the files define, by id,
// without their datasets: a look-up, with no pass over the catalogue.
func (c *Catalog) DefinedOrganizations() map[string]*govlake.Organization {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]*govlake.Organization, len(c.orgs))
	for _, o := range c.orgs {
		out[o.ID] = o
	}
	return out
}

// Organizations lists every organisation: those defined, and those only
// named by datasets, by id. What anonymous visitors see is made once a
// snapshot (every home page shows it); callers must not change it.
func (c *Catalog) Organizations(ctx context.Context) ([]*OrgSummary, error) {
	snap, err := c.current(ctx)
	if err != nil {
		return nil, err
	}
	anonymous := govlake.PrincipalFrom(ctx) == nil
	if cached := c.orgsCache.Load(); anonymous && cached != nil && cached.snap == snap {
		return cached.orgs, nil
	}
	ds, err := c.Datasets(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defs := c.orgs
	c.mu.Unlock()
	byID := map[string]*OrgSummary{}
	for _, o := range defs {
		byID[o.ID] = &OrgSummary{Organization: o, Defined: true, Datasets: []govlake.Summary{}}
	}
	for _, d := range ds {
		if d.Organization == "" {
			continue
		}
		o, ok := byID[d.Organization]
		if !ok {
			o = &OrgSummary{Organization: &govlake.Organization{ID: d.Organization, Name: govlake.Text{"en": d.Organization}}, Datasets: []govlake.Summary{}}
			byID[d.Organization] = o
		}
		o.Datasets = append(o.Datasets, d)
	}
	out := make([]*OrgSummary, 0, len(byID))
	for _, o := range byID {
		sort.Slice(o.Datasets, func(i, j int) bool { return o.Datasets[i].ID < o.Datasets[j].ID })
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if anonymous {
		c.orgsCache.Store(&orgsOf{snap, out})
	}
	return out, nil
}

// orgsOf is Organizations as anonymous visitors see it in one snapshot.
type orgsOf struct {
	snap *snapshot
	orgs []*OrgSummary
}

// Organization returns one organisation with its datasets.
func (c *Catalog) Organization(ctx context.Context, id string) (*OrgSummary, error) {
	ds, err := c.listed(ctx, func(e *entry) bool { return e.Meta.Organization == id })
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defs := c.orgs
	c.mu.Unlock()
	for _, o := range defs {
		if o.ID == id {
			return &OrgSummary{Organization: o, Defined: true, Datasets: ds}, nil
		}
	}
	if len(ds) > 0 && id != "" {
		return &OrgSummary{Organization: &govlake.Organization{ID: id, Name: govlake.Text{"en": id}}, Datasets: ds}, nil
	}
	return nil, govlake.Errorf(govlake.ENOTFOUND, "no organization %q; GET /api/v1/organizations lists them", id)
}
