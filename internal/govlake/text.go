package govlake

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Text is a text in several languages, by language code; English ("en")
// is the fallback.
type Text map[string]string

// In returns the text in lang, or in English, or in any language given.
func (t Text) In(lang string) string {
	if s := t[lang]; s != "" {
		return s
	}
	if s := t["en"]; s != "" {
		return s
	}
	for _, l := range t.Languages() {
		return t[l]
	}
	return ""
}

// Local picks the text to show a reader of lang: t in lang, else in
// English, else plain (the single-language field, its language told from
// its script), else any language t has; with the language it is in.
func (t Text) Local(lang, plain string) (text, in string) {
	if s := t[lang]; s != "" {
		return s, lang
	}
	if s := t["en"]; s != "" {
		return s, "en"
	}
	if plain != "" {
		return plain, ScriptLanguage(plain)
	}
	if l := t.Languages(); len(l) > 0 {
		return t[l[0]], l[0]
	}
	return "", lang
}

// Languages are the codes the text is given in, sorted.
func (t Text) Languages() []string {
	out := make([]string, 0, len(t))
	for l, s := range t {
		if s != "" {
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}

// languageCode is an ISO 639-1 or 639-3 code, with an optional region or
// script (pt-BR, zh-Hant).
var languageCode = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$`)

// TextOf reads a text given as a string (English) or as a map of language
// codes to strings, as pipeline files and the publishing API accept it.
// key names the field in the message.
func TextOf(v any, key string) (Text, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return Text{"en": x}, nil
	case map[string]any:
		t := Text{}
		for lang, s := range x {
			str, ok := s.(string)
			if !ok {
				return nil, fmt.Errorf("%s.%s must be text", key, lang)
			}
			if !languageCode.MatchString(lang) {
				return nil, fmt.Errorf("%s.%s: %q is not a language code (en, my, lo, vi, th, km ...)", key, lang, lang)
			}
			t[lang] = str
		}
		return t, nil
	}
	return nil, fmt.Errorf("%s must be text, or a map of language codes to text such as {en: ..., my: ...}", key)
}

// ScriptLanguage guesses the language of a text given as a plain string
// from its letters: Burmese, Lao, Thai or Khmer script, Vietnamese
// letters, or else English. It names the language facet of a dataset
// whose title has no translations.
func ScriptLanguage(s string) string {
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Myanmar, r):
			return "my"
		case unicode.Is(unicode.Lao, r):
			return "lo"
		case unicode.Is(unicode.Thai, r):
			return "th"
		case unicode.Is(unicode.Khmer, r):
			return "km"
		case strings.ContainsRune("ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ", r):
			return "vi"
		}
	}
	return "en"
}

// ByteSize writes a byte count for people, in the units flags take
// (64MB is 64 MB): "64 MB", "1.5 GB", "512 bytes".
func ByteSize(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}} {
		if n >= u.size {
			v := float64(n) / float64(u.size)
			digits := 2 // three significant digits, never an exponent
			if v >= 100 {
				digits = 0
			} else if v >= 10 {
				digits = 1
			}
			text := strings.TrimRight(strings.TrimRight(strconv.FormatFloat(v, 'f', digits, 64), "0"), ".")
			if digits == 0 {
				text = strconv.FormatFloat(v, 'f', 0, 64)
			}
			return text + " " + u.name
		}
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
