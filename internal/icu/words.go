package icu

/*
#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/ustring.h>

// words_open opens a word break iterator for a locale ("" is the root:
// dictionaries for Burmese, Lao, Thai and Khmer are used by script).
static UBreakIterator* words_open(const char* locale, UErrorCode* status) {
	return ubrk_open(UBRK_WORD, locale, NULL, 0, status);
}

// words_next returns the next boundary and the rule status of the word
// that ends there (UBRK_WORD_NONE for spaces and punctuation).
static int32_t words_next(UBreakIterator* bi, int32_t* rule) {
	int32_t end = ubrk_next(bi);
	*rule = ubrk_getRuleStatus(bi);
	return end;
}
*/
import "C"

import (
	"fmt"
	"unicode/utf16"
	"unsafe"

	"govlake/internal/govlake"
)

// Words cuts text into words with ICU's word break iterator, whose
// dictionaries segment Burmese, Lao, Thai and Khmer, written without
// spaces between words; spaces and punctuation are left out. An iterator
// is used by one goroutine at a time: each call takes one from a pool.
type Words struct {
	pool *pool[*C.UBreakIterator]
}

// NewWords opens ICU's word break iterator, to check it is there.
func NewWords() (*Words, error) {
	w := &Words{pool: newPool(openWords, func(bi *C.UBreakIterator) { C.ubrk_close(bi) })}
	bi, err := w.pool.get()
	if err != nil {
		return nil, err
	}
	w.pool.put(bi)
	return w, nil
}

// Close closes the idle iterators.
func (w *Words) Close() error {
	w.pool.drain()
	return nil
}

func openWords() (*C.UBreakIterator, error) {
	var status C.UErrorCode
	loc := C.CString("")
	defer C.free(unsafe.Pointer(loc))
	bi := C.words_open(loc, &status)
	if status > C.U_ZERO_ERROR || bi == nil {
		return nil, fmt.Errorf("ICU has no word break iterator (error %d); install libicu-dev", int(status))
	}
	return bi, nil
}

// Split returns the words of text, in order.
func (w *Words) Split(text string) ([]string, error) {
	pieces, err := w.Pieces(text)
	var out []string
	for _, p := range pieces {
		if p.Word {
			out = append(out, p.Text)
		}
	}
	return out, err
}

// Pieces cuts text whole: its words and what lies between them, in order,
// so that they join back into text (for marking matched words).
func (w *Words) Pieces(text string) ([]govlake.TextPiece, error) {
	if text == "" {
		return nil, nil
	}
	bi, err := w.pool.get()
	if err != nil {
		return nil, err
	}
	defer w.pool.put(bi)
	units := utf16.Encode([]rune(text))
	buf := (*C.UChar)(C.malloc(C.size_t(len(units)) * C.size_t(unsafe.Sizeof(C.UChar(0)))))
	defer C.free(unsafe.Pointer(buf))
	copy(unsafe.Slice((*uint16)(unsafe.Pointer(buf)), len(units)), units)
	var status C.UErrorCode
	C.ubrk_setText(bi, buf, C.int32_t(len(units)), &status)
	if status > C.U_ZERO_ERROR {
		return nil, fmt.Errorf("ICU could not take the text (error %d)", int(status))
	}
	var out []govlake.TextPiece
	start := C.ubrk_first(bi)
	for {
		var rule C.int32_t
		end := C.words_next(bi, &rule)
		if end == C.UBRK_DONE {
			break
		}
		// A word is letters, numbers, kana or ideographs.
		out = append(out, govlake.TextPiece{Text: string(utf16.Decode(units[start:end])), Word: rule >= C.UBRK_WORD_NONE_LIMIT})
		start = end
	}
	C.ubrk_setText(bi, nil, 0, &status) // the buffer is freed next
	return out, nil
}
