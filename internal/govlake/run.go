package govlake

import "time"

// Run outcomes.
const (
	RunSucceeded = "succeeded" // a new version was committed
	RunUnchanged = "unchanged" // same source bytes and same processing: nothing to publish
	RunRejected  = "rejected"  // the data failed the pipeline's quality gate; no version
	RunFailed    = "failed"    // the run could not complete; no version
	RunSkipped   = "skipped"   // a scheduled time came while the previous run was still going
	RunRunning   = "running"   // started and not finished: the record written at the start
	RunDied      = "died"      // a running record past its deadline: the process was killed or the machine stopped
)

// Run records one execution of a pipeline, whatever its outcome.
type Run struct {
	ID         string            `json:"id"`
	Pipeline   string            `json:"pipeline"`
	Dataset    string            `json:"dataset"`
	Status     string            `json:"status"`
	Version    int               `json:"version,omitempty"` // the version made, or the current one when unchanged
	StartedAt  time.Time         `json:"started_at"`
	FinishedAt time.Time         `json:"finished_at"`
	Source     SourceInfo        `json:"source"`
	Rows       RowCounts         `json:"rows"`
	Validation ValidationSummary `json:"validation"`
	// Rejections holds the first rejections, enough to act on without opening
	// the rejected rows file; RejectedKey names the file with all of them.
	Rejections  []Rejection `json:"rejections,omitempty"`
	RejectedKey string      `json:"rejected_key,omitempty"`
	Error       string      `json:"error,omitempty"`
	// Draft says why the version made waits for a publisher (review
	// required, personal data found); empty when it is public.
	Draft []string `json:"draft_reasons,omitempty"`
	// Notes say what the version's other forms could not hold exactly
	// (columns its Iceberg table leaves out), or that they lag behind.
	Notes []string `json:"notes,omitempty"`
	// Scheduled is the schedule time a daemon ran this for; zero when run by hand.
	Scheduled time.Time `json:"scheduled,omitzero"`
	// Deadline is when a running run must have finished (its start plus
	// its timeout); the record of a run still running past it died.
	Deadline time.Time `json:"deadline,omitzero"`
}

// diedGrace is how long past its deadline a running record is given to be
// replaced by the finished one (the runner writes it after the timeout).
const diedGrace = time.Minute

// At is the run as it stands at now: a running record past its deadline is
// a run that died (killed, or its machine stopped) and says so.
func (r *Run) At(now time.Time) *Run {
	if r.Status != RunRunning || r.Deadline.IsZero() || !now.After(r.Deadline.Add(diedGrace)) {
		return r
	}
	d := *r
	d.Status = RunDied
	d.FinishedAt = r.Deadline
	d.Error = "the run stopped without finishing: its process was killed or its machine stopped before its deadline (" + r.Deadline.Format(time.RFC3339) + "); a version it committed before it stopped is recorded here by the next sweep"
	return &d
}

// Duration is how long the run took.
func (r *Run) Duration() time.Duration { return r.FinishedAt.Sub(r.StartedAt) }

// Failed reports whether the run should make a command exit non-zero.
func (r *Run) Failed() bool {
	return r.Status == RunFailed || r.Status == RunRejected || r.Status == RunDied
}

// Progress reports how far a run has read.
type Progress struct {
	Dataset        string
	Bytes, Size    int64 // source bytes read, of Size
	Rows, Rejected int64
	Done           bool
}
