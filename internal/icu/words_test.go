package icu

import (
	"strings"
	"testing"
)

// Real titles in the scripts written without spaces between words: the
// word a person searches for comes out as a word of its own.
func TestWords(t *testing.T) {
	w, err := NewWords()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want string // a word that must be among the words
	}{
		{"ကျန်းမာရေးဝန်ကြီးဌာန ဆေးရုံများ", "ဆေးရုံ"},
		{"สถิติประชากรของประเทศไทย", "ประชากร"},
		{"ສະຖິຕິປະຊາກອນຂອງລາວ", "ປະຊາກອນ"},
		{"ស្ថិតិប្រជាជនកម្ពុជា", "ប្រជាជន"},
		{"Dân số Hà Nội, 2024", "Hà"},
		{"GDP per capita (current US$)", "capita"},
	} {
		words, err := w.Split(tc.text)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, x := range words {
			found = found || x == tc.want
		}
		if !found {
			t.Errorf("%s: words %q lack %q", tc.text, strings.Join(words, "|"), tc.want)
		}
		for _, x := range words {
			if strings.TrimSpace(x) == "" || x == "," || x == "(" {
				t.Errorf("%s: a space or punctuation %q came out as a word", tc.text, x)
			}
		}
	}
	if words, _ := w.Split(""); len(words) != 0 {
		t.Errorf("empty text: %q", words)
	}
}
