package ingest

import (
	"fmt"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// A run record is read on every page that shows the dataset's runs, so it
// stays small whatever the source held: texts are clipped, lists are cut
// (the rejected-rows table keeps every rejection whole). The bounds keep a
// record under about 100 KB.
const (
	maxRecordValue   = 200 // a rejected cell shown in the record
	maxRecordText    = 500 // a message, a column name
	maxRecordKinds   = 100 // error counts by column and keyword
	maxRecordWarns   = 50
	maxRecordReasons = 20
)

// smallRecord clips and cuts what a run record holds, and says so where
// something was left out.
func smallRecord(run *govlake.Run) {
	for i := range run.Rejections {
		clipRejection(&run.Rejections[i])
	}
	v := &run.Validation
	if n := len(v.ByColumn); n > maxRecordKinds {
		v.ByColumn = v.ByColumn[:maxRecordKinds]
		v.Warnings = append(v.Warnings, govlake.Warning{Keyword: "record-cut",
			Message: fmt.Sprintf("%d kinds of error by column; the record lists the first %d (the rejected-rows table has all)", n, maxRecordKinds)})
	}
	for i := range v.ByColumn {
		v.ByColumn[i].Column = tabular.Clip(v.ByColumn[i].Column, maxRecordText)
		clipRejection(&v.ByColumn[i].Example)
	}
	if n := len(v.Warnings); n > maxRecordWarns {
		v.Warnings = append(v.Warnings[:maxRecordWarns-1], govlake.Warning{Keyword: "record-cut",
			Message: fmt.Sprintf("%d warnings; the record keeps the first %d", n, maxRecordWarns-1)})
	}
	for i := range v.Warnings {
		v.Warnings[i].Column = tabular.Clip(v.Warnings[i].Column, maxRecordText)
		v.Warnings[i].Message = tabular.Clip(v.Warnings[i].Message, maxRecordText)
	}
	if len(run.Draft) > maxRecordReasons {
		run.Draft = run.Draft[:maxRecordReasons]
	}
	for i := range run.Draft {
		run.Draft[i] = tabular.Clip(run.Draft[i], maxRecordText)
	}
}

func clipRejection(r *govlake.Rejection) {
	r.Column = tabular.Clip(r.Column, maxRecordText)
	r.Value = tabular.Clip(r.Value, maxRecordValue)
	r.Message = tabular.Clip(r.Message, maxRecordText)
}
