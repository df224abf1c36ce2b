// Package tabular is how govlake reads tables of text: records and the
// readers that give them (csv, xlsx, json, a transform), chunks of records
// parsed on any core, the rows held back at a file's end, the conversion
// of a text cell to a JSON type, and the typed column vectors that checks
// and writers work on a batch at a time. Standard library only, so that the
// domain package stays the model of datasets, versions, runs and errors.
package tabular
