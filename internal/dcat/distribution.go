package dcat

import (
	"strconv"

	"govlake/internal/govlake"
	"govlake/internal/rdf"
)

// distributions states the latest version's ways to be had: the source as
// received and each stored Parquet file (with their sizes and SHA-256), then
// every format the query API writes the whole version in.
func distributions(g *rdf.Graph, site Site, ds rdf.Term, d *govlake.Detail) {
	n := strconv.Itoa(d.Version)
	api := VersionURL(site.Base, d.ID, d.Version)
	if src := d.Source; src != nil && src.Size > 0 {
		dist := rdf.IRI(api + "/source")
		g.Add(ds, rdf.DCAT+"distribution", dist)
		distribution(g, dist, d, src.Format, "The source of version "+n+" as it was received ("+src.Format+")", api, api+"/source")
		g.Add(dist, rdf.DCAT+"byteSize", rdf.Typed(strconv.FormatInt(src.Size, 10), rdf.XSD+"nonNegativeInteger"))
		checksum(g, dist, src.SHA256)
	}
	for k, f := range d.Files {
		dist := rdf.IRI(api + "/files/" + strconv.Itoa(k))
		g.Add(ds, rdf.DCAT+"distribution", dist)
		title := "Version " + n + " as stored (Parquet)"
		if len(d.Files) > 1 {
			title = "Version " + n + " as stored (Parquet), part " + strconv.Itoa(k+1) + " of " + strconv.Itoa(len(d.Files))
		}
		distribution(g, dist, d, "parquet", title, api, api+"/files/"+strconv.Itoa(k))
		g.Add(dist, rdf.DCAT+"byteSize", rdf.Typed(strconv.FormatInt(f.Size, 10), rdf.XSD+"nonNegativeInteger"))
		checksum(g, dist, f.SHA256)
	}
	for _, f := range Formats {
		u := queryURL(site.Base, f.Name, d.ID)
		dist := rdf.IRI(DatasetURL(site.Base, d.ID) + "#" + f.Name)
		g.Add(ds, rdf.DCAT+"distribution", dist)
		distribution(g, dist, d, f.Name, "The latest version as "+f.Name+", made by the query API", DatasetURL(site.Base, d.ID), u)
	}
}

// distribution states what every distribution has: title, format and
// media type, where to get it, its licence and dates.
func distribution(g *rdf.Graph, dist rdf.Term, d *govlake.Detail, format, title, access, download string) {
	g.Add(dist, rdf.RDF+"type", rdf.IRI(rdf.DCAT+"Distribution"))
	g.Add(dist, rdf.DCT+"title", rdf.Lang(title, "en"))
	g.Add(dist, rdf.DCAT+"accessURL", rdf.IRI(access))
	g.Add(dist, rdf.DCAT+"downloadURL", rdf.IRI(download))
	if code := fileTypes[format]; code != "" {
		ft := rdf.IRI(euAuthority + "file-type/" + code)
		g.Add(dist, rdf.DCT+"format", ft)
		g.Add(ft, rdf.RDF+"type", rdf.IRI(rdf.DCT+"MediaTypeOrExtent"))
	}
	if mt := mediaType(format); mt != "" {
		m := rdf.IRI(iana + mt)
		g.Add(dist, rdf.DCAT+"mediaType", m)
		g.Add(m, rdf.RDF+"type", rdf.IRI(rdf.DCT+"MediaType"))
	}
	if d.License != "" {
		g.Add(dist, rdf.DCT+"license", license(g, d.License))
	}
	g.Add(dist, rdf.DCT+"modified", dateTime(d.Updated))
}

// MediaType is the media type of a format govlake reads or writes ("" when
// it has none).
func MediaType(format string) string { return mediaType(format) }

func mediaType(format string) string {
	for _, f := range Formats {
		if f.Name == format {
			return f.MediaType
		}
	}
	switch format {
	case "xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case "xls":
		return "application/vnd.ms-excel"
	}
	return ""
}

// license is a licence's address when it is a known one, else a licence
// document named by what the pipeline says.
func license(g *rdf.Graph, id string) rdf.Term {
	l := govlake.LicenseOf(id)
	t := rdf.IRI(l.URL)
	if l.URL == "" {
		t = g.Blank() // a licence with no known address is named, not invented one
	}
	g.Add(t, rdf.RDF+"type", rdf.IRI(rdf.DCT+"LicenseDocument"))
	g.Add(t, rdf.RDFS+"label", rdf.Literal(l.Name))
	g.Add(t, rdf.DCT+"identifier", rdf.Literal(l.ID))
	return t
}

func checksum(g *rdf.Graph, dist rdf.Term, sha string) {
	if sha == "" {
		return
	}
	c := g.Blank()
	g.Add(dist, rdf.SPDX+"checksum", c)
	g.Add(c, rdf.RDF+"type", rdf.IRI(rdf.SPDX+"Checksum"))
	g.Add(c, rdf.SPDX+"algorithm", rdf.IRI(rdf.SPDX+"checksumAlgorithm_sha256"))
	g.Add(rdf.IRI(rdf.SPDX+"checksumAlgorithm_sha256"), rdf.RDF+"type", rdf.IRI(rdf.SPDX+"ChecksumAlgorithm"))
	g.Add(c, rdf.SPDX+"checksumValue", rdf.Typed(sha, rdf.XSD+"hexBinary"))
}
