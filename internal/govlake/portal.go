package govlake

// Portal is the catalogue as a whole, as harvesters (DCAT's dcat:Catalog)
// and CKAN's status_show see it.
type Portal struct {
	Title       string
	Description string
	// Publisher is the id of the organisation that runs the portal; without
	// one, the portal publishes under its own title.
	Publisher string
	// Email answers for datasets that name no contact e-mail (DCAT-US
	// requires one).
	Email string
}

// DefaultPortal names a portal nobody has named.
var DefaultPortal = Portal{
	Title:       "govlake open data",
	Description: "Open government datasets: every version validated against its JSON Schema, kept immutable, and queryable with SQL.",
}
