// Package cron reads pipeline schedules with robfig/cron's parser: five
// fields, or descriptors such as @daily and @every 15m. Only the parser is
// used; the daemon keeps its own clock so tests can drive it.
package cron

import (
	"time"

	rcron "github.com/robfig/cron/v3"

	"govlake/internal/govlake"
)

var parser = rcron.NewParser(rcron.Minute | rcron.Hour | rcron.Dom | rcron.Month | rcron.Dow | rcron.Descriptor)

// Schedule gives the next time a pipeline is due.
type Schedule struct{ s rcron.Schedule }

// Next returns the first due time after t.
func (s Schedule) Next(t time.Time) time.Time { return s.s.Next(t) }

// Parse reads a schedule; the error says what a valid one looks like.
func Parse(spec string) (Schedule, error) {
	s, err := parser.Parse(spec)
	if err != nil {
		return Schedule{}, govlake.Errorf(govlake.EINVALID, "schedule %q: %v (use five cron fields such as \"0 6 * * *\", or @hourly, @daily, @weekly, @every 30m)", spec, err)
	}
	return Schedule{s}, nil
}
