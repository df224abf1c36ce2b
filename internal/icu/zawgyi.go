// Package icu is ICU through cgo against Debian's libicu-dev: Zawgyi-
// encoded Burmese converted to Unicode with the Zawgyi-my transliterator
// (CLDR's my-t-my-s0-zawgyi rules), and text cut into words by the word
// break iterator, whose dictionaries segment Burmese, Lao, Thai and Khmer.
package icu

/*
#cgo pkg-config: icu-i18n icu-uc
#include <stdlib.h>
#include <unicode/utrans.h>
#include <unicode/ustring.h>

// zawgyi opens the transliterator; its status is left in *status.
static UTransliterator* zawgyi_open(UErrorCode* status) {
	UChar id[16];
	u_uastrcpy(id, "Zawgyi-my");
	UParseError pe;
	return utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, &pe, status);
}

// zawgyi_convert transliterates text[0:*len] in place, within cap units;
// *len becomes the result's length.
static void zawgyi_convert(UTransliterator* t, UChar* text, int32_t* len, int32_t cap, UErrorCode* status) {
	int32_t limit = *len;
	utrans_transUChars(t, text, len, cap, 0, &limit, status);
}
*/
import "C"

import (
	"fmt"
	"unicode/utf16"
	"unsafe"
)

// Zawgyi converts Zawgyi-encoded text to Unicode. A transliterator may be
// used by one goroutine at a time: each conversion takes one from a pool.
type Zawgyi struct {
	pool *pool[*C.UTransliterator]
}

// NewZawgyi opens ICU's Zawgyi-my transliterator, to check it is there.
func NewZawgyi() (*Zawgyi, error) {
	z := &Zawgyi{pool: newPool(open, func(t *C.UTransliterator) { C.utrans_close(t) })}
	t, err := z.pool.get()
	if err != nil {
		return nil, err
	}
	z.pool.put(t)
	return z, nil
}

// Close closes the idle transliterators.
func (z *Zawgyi) Close() error {
	z.pool.drain()
	return nil
}

func open() (*C.UTransliterator, error) {
	var status C.UErrorCode
	t := C.zawgyi_open(&status)
	if status > C.U_ZERO_ERROR || t == nil {
		return nil, fmt.Errorf("ICU has no Zawgyi-my transliterator (error %d); install ICU 58 or later (Debian: libicu-dev)", int(status))
	}
	return t, nil
}

// ToUnicode converts s; text ICU cannot convert is returned as it is.
func (z *Zawgyi) ToUnicode(s string) string {
	t, err := z.pool.get()
	if err != nil {
		return s
	}
	defer z.pool.put(t)
	units := utf16.Encode([]rune(s))
	// Conversion reorders and may add a few units (a kinsi, an asat):
	// room for twice the text is plenty.
	capacity := 2*len(units) + 16
	buf := (*[1 << 30]C.UChar)(C.malloc(C.size_t(capacity) * C.size_t(unsafe.Sizeof(C.UChar(0)))))[:capacity:capacity]
	defer C.free(unsafe.Pointer(&buf[0]))
	for i, u := range units {
		buf[i] = C.UChar(u)
	}
	n := C.int32_t(len(units))
	var status C.UErrorCode
	C.zawgyi_convert(t, &buf[0], &n, C.int32_t(capacity), &status)
	if status > C.U_ZERO_ERROR {
		return s
	}
	out := make([]uint16, int(n))
	for i := range out {
		out[i] = uint16(buf[i])
	}
	return string(utf16.Decode(out))
}
