package govlake

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
)

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

// PackageUUID names a dataset (or anything else of a portal) with an id
// that is the same every time and differs from every other portal's: a
// version 5 UUID of the portal's address and the name (RFC 9562), as CKAN
// clients and harvesters expect package ids to be.
func PackageUUID(portal, name string) string {
	// The URL namespace of RFC 9562.
	ns := [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(strings.TrimSuffix(portal, "/") + "/" + name))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	x := hex.EncodeToString(u)
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}
