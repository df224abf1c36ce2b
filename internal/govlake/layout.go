package govlake

import (
	"fmt"
	"strings"
)

// Layout maps a source's header onto a dataset's columns.
type Layout struct {
	// Labels are the header labels as used: trimmed, a blank one named
	// field<N> and a repeated one given a number, as Frictionless does.
	Labels []string
	// Index gives, for each column, its position in the header or -1.
	Index []int
	// JSONTypes gives, for each header position, the type its cells are
	// converted to (string for columns the schema does not know).
	JSONTypes []string
}

// NewLayout matches header labels to columns by name. A column the schema
// requires but the header lacks is an error: every row would fail, and the
// fix is in the file or the schema, not in the rows.
func NewLayout(name string, header []string, headerRow int64, cols []Column, required map[string]bool) (Layout, []Warning, error) {
	labels, warns := Labels(header, headerRow)
	l := Layout{Labels: labels, JSONTypes: make([]string, len(header))}
	// Labels match names whatever their spacing: "Total  population " is
	// "Total population".
	seen := make(map[string]int, len(labels))
	for i, label := range labels {
		if _, dup := seen[spacing(label)]; !dup {
			seen[spacing(label)] = i + 1
		}
		l.JSONTypes[i] = JSONString
	}
	var missing []string
	for _, c := range cols {
		i, ok := seen[spacing(c.Name)]
		if !ok {
			l.Index = append(l.Index, -1)
			if required[c.Name] {
				missing = append(missing, c.Name)
			} else {
				warns = append(warns, Warning{Row: headerRow, Column: c.Name, Keyword: "missing-label",
					Message: fmt.Sprintf("the schema's column %q is not in the header; it is stored as null", c.Name)})
			}
			continue
		}
		l.Index = append(l.Index, i-1)
		l.JSONTypes[i-1] = c.JSONType
		if l.Labels[i-1] != c.Name {
			// Matched by spacing: read under the schema's name.
			warns = append(warns, Warning{Row: headerRow, Column: c.Name, Keyword: "label-spacing",
				Message: fmt.Sprintf("the header label %q is read as the schema's %q (they differ only in spacing)", l.Labels[i-1], c.Name)})
			l.Labels[i-1] = c.Name
		}
	}
	if len(missing) > 0 {
		hint := closest(missing, l.Labels)
		if headerRow == 0 { // records with keys (JSON) have no header row
			return l, warns, Errorf(EINVALID, "%s: no record has the required key(s) %s; the records have %s%s: rename the keys or fix the schema",
				name, quoteList(missing), quoteList(l.Labels), hint)
		}
		return l, warns, Errorf(EINVALID, "%s: the header (row %d) lacks the required column(s) %s; the header has %s%s: rename the header or fix the schema",
			name, headerRow, quoteList(missing), quoteList(l.Labels), hint)
	}
	return l, warns, nil
}

// Labels names the columns of a header: trimmed, a blank label named
// field<N> and a repeated one given its position, as Frictionless does, with
// a warning for each renamed label.
func Labels(header []string, headerRow int64) ([]string, []Warning) {
	var warns []Warning
	labels := make([]string, len(header))
	seen := make(map[string]int, len(header))
	for i, h := range header {
		label := strings.TrimSpace(h)
		pos := fmt.Sprintf("column %d", i+1)
		switch {
		case label == "":
			label = fmt.Sprintf("field%d", i+1)
			warns = append(warns, Warning{Row: headerRow, Column: pos, Keyword: KeywordBlankLabel,
				Message: fmt.Sprintf("%s has a blank header label; its cells are read as %q", pos, label)})
		case seen[label] > 0:
			first := seen[label]
			label = fmt.Sprintf("%s%d", label, i+1)
			warns = append(warns, Warning{Row: headerRow, Column: pos, Keyword: KeywordDupLabel,
				Message: fmt.Sprintf("%s repeats the label of column %d; its cells are read as %q", pos, first, label)})
		}
		if _, dup := seen[label]; !dup {
			seen[label] = i + 1
		}
		labels[i] = label
	}
	return labels, warns
}

// quoteList quotes names for a message: at most 20, each cut at 100
// characters, so that a huge header makes a short message.
func quoteList(s []string) string {
	var q []string
	for i, v := range s {
		if i == 20 {
			q = append(q, fmt.Sprintf("and %d more", len(s)-20))
			break
		}
		if r := []rune(v); len(r) > 100 {
			v = string(r[:100]) + "…"
		}
		q = append(q, fmt.Sprintf("%q", v))
	}
	return strings.Join(q, ", ")
}

// spacing is a label with its spaces trimmed and runs of them made one.
func spacing(s string) string { return strings.Join(strings.Fields(s), " ") }

// closest names, for each missing name, the label nearest to it when one
// is near enough to be a likely misspelling: at most a third of its
// letters differ (ignoring case).
func closest(missing, labels []string) string {
	var hints []string
	for _, m := range missing {
		best, bestD := "", -1
		for _, l := range labels {
			d := distance(strings.ToLower(m), strings.ToLower(l))
			if bestD < 0 || d < bestD {
				best, bestD = l, d
			}
		}
		if bestD >= 0 && bestD*3 <= len([]rune(m)) {
			hints = append(hints, fmt.Sprintf("%q looks like %q", best, m))
		}
	}
	if len(hints) == 0 {
		return ""
	}
	return " (" + strings.Join(hints, "; ") + ")"
}

// distance is the Levenshtein distance between a and b, in runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
