// Package myanmar tells Zawgyi-encoded Burmese from Unicode with the
// Markov model Google's myanmar-tools trained (zawgyiUnicodeModel.dat,
// Apache-2.0, LICENSE-zawgyiUnicodeModel.md beside it), read from its own
// binary format: government files in Myanmar still mix the two encodings.
// Conversion is ICU's (internal/icu).
package myanmar

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
)

// HasBurmese reports whether s holds any Myanmar-block character; it is
// cheap, to skip the other checks for most cells.
func HasBurmese(s string) bool {
	// U+1000..U+109F is E1 80 80 .. E1 82 9F in UTF-8; IndexByte skips the
	// rest fast, which is most cells.
	for {
		i := strings.IndexByte(s, 0xE1)
		if i < 0 || i+1 >= len(s) {
			return false
		}
		if s[i+1] >= 0x80 && s[i+1] <= 0x82 {
			return true
		}
		s = s[i+1:]
	}
}

// Threshold is the probability above which a cell is taken for Zawgyi.
// myanmar-tools advises a high threshold where conversion is automatic:
// at 0.95, a cell is converted only on strong evidence, and a short cell
// whose evidence is weak is left as it is (and not counted).
const Threshold = 0.95

// IsZawgyi reports whether s is Zawgyi-encoded, by the model.
func IsZawgyi(s string) bool { return model.Probability(s) > Threshold }

//go:embed zawgyiUnicodeModel.dat
var modelData []byte

var model = mustModel(modelData)

func mustModel(b []byte) *Model {
	m, err := ReadModel(b)
	if err != nil {
		panic(err) // the embedded file is part of the build
	}
	return m
}

// Model holds, for each pair of states, how much more likely the
// transition is in Unicode than in Zawgyi, as a difference of logs.
type Model struct {
	size  int
	delta []float32 // size x size
}

// ReadModel reads the binary form of myanmar-tools' model: "UZMODEL " and a
// version (2 adds a reserved int), then a "BMARKOV " table: its size, and
// for each row a count of explicit entries, a fallback for the others, and
// the entries as (column, value); big-endian.
func ReadModel(b []byte) (*Model, error) {
	r := bytes.NewReader(b)
	var tag uint64
	var version int32
	if err := binary.Read(r, binary.BigEndian, &tag); err != nil || tag != 0x555A4D4F44454C20 {
		return nil, fmt.Errorf("not a Zawgyi model (no UZMODEL tag)")
	}
	binary.Read(r, binary.BigEndian, &version)
	if version == 2 {
		var reserved int32
		binary.Read(r, binary.BigEndian, &reserved)
	} else if version != 1 {
		return nil, fmt.Errorf("Zawgyi model version %d is not known", version)
	}
	if err := binary.Read(r, binary.BigEndian, &tag); err != nil || tag != 0x424D41524B4F5620 {
		return nil, fmt.Errorf("not a Zawgyi model (no BMARKOV tag)")
	}
	binary.Read(r, binary.BigEndian, &version)
	var size int16
	if err := binary.Read(r, binary.BigEndian, &size); err != nil || int(size) != numStates {
		return nil, fmt.Errorf("the Zawgyi model has %d states, not %d", size, numStates)
	}
	m := &Model{size: int(size), delta: make([]float32, int(size)*int(size))}
	for i := 0; i < m.size; i++ {
		var entries int16
		if err := binary.Read(r, binary.BigEndian, &entries); err != nil {
			return nil, fmt.Errorf("the Zawgyi model is cut short")
		}
		var fallback float32
		if entries > 0 {
			binary.Read(r, binary.BigEndian, &fallback)
		}
		next := int16(-1)
		for j := 0; j < m.size; j++ {
			if entries > 0 && int(next) < j {
				binary.Read(r, binary.BigEndian, &next)
				entries--
			}
			v := fallback
			if int(next) == j {
				if err := binary.Read(r, binary.BigEndian, &v); err != nil {
					return nil, fmt.Errorf("the Zawgyi model is cut short")
				}
			}
			m.delta[i*m.size+j] = v
		}
	}
	return m, nil
}

// The model's states: one for each code point of the Myanmar blocks and of
// U+2000..U+200B, and state 0 for everything else.
const (
	stdOffset = 1
	aftOffset = stdOffset + 0x103F - 0x1000 + 1
	exaOffset = aftOffset + 0x109F - 0x104A + 1
	exbOffset = exaOffset + 0xAA7F - 0xAA60 + 1
	spcOffset = exbOffset + 0xA9FF - 0xA9E0 + 1
	numStates = spcOffset + 0x200B - 0x2000 + 1
)

func state(r rune) int {
	switch {
	case r >= 0x1000 && r <= 0x103F:
		return int(r-0x1000) + stdOffset
	case r >= 0x104A && r <= 0x109F:
		return int(r-0x104A) + aftOffset
	case r >= 0xAA60 && r <= 0xAA7F:
		return int(r-0xAA60) + exaOffset
	case r >= 0xA9E0 && r <= 0xA9FF:
		return int(r-0xA9E0) + exbOffset
	case r >= 0x2000 && r <= 0x200B:
		return int(r-0x2000) + spcOffset
	}
	return 0
}

// Probability is the probability that s is Zawgyi, given that it is
// Zawgyi or Unicode; minus infinity when s has no Myanmar text at all.
// Each transition between states, the string's edges included, adds the
// model's difference; transitions between two other characters add none.
func (m *Model) Probability(s string) float64 {
	prev, total, seen := 0, 0.0, false
	step := func(cur int) {
		if prev != 0 || cur != 0 {
			total += float64(m.delta[prev*m.size+cur])
			seen = true
		}
		prev = cur
	}
	for _, r := range s {
		step(state(r))
	}
	step(0)
	if !seen {
		return math.Inf(-1)
	}
	return 1 / (1 + math.Exp(total))
}
