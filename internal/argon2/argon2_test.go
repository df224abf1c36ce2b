package argon2

import (
	"strings"
	"testing"
)

func TestHashAndVerify(t *testing.T) {
	h := &Hasher{Time: 1, Memory: 8 * 1024, Threads: 1}
	enc, err := h.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=8192,t=1,p=1$") {
		t.Errorf("encoded %s", enc)
	}
	if !h.Verify(enc, "correct horse battery staple") || h.Verify(enc, "correct horse battery stapl") || h.Verify("$bcrypt$x", "a") {
		t.Error("verify")
	}
	again, _ := h.Hash("correct horse battery staple")
	if again == enc {
		t.Error("two hashes of one password are the same: no salt")
	}
}
