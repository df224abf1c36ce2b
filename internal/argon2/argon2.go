// Package argon2 hashes people's passwords with argon2id
// (golang.org/x/crypto/argon2), in the PHC string format that other tools
// read: $argon2id$v=19$m=65536,t=3,p=2$salt$hash.
package argon2

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Hasher hashes with the parameters OWASP suggests for argon2id.
type Hasher struct {
	Time    uint32 // passes
	Memory  uint32 // KiB
	Threads uint8
}

// New returns a hasher with 64 MiB, 3 passes and 2 lanes.
func New() *Hasher { return &Hasher{Time: 3, Memory: 64 * 1024, Threads: 2} }

var b64 = base64.RawStdEncoding

// Hash returns the encoded hash of password with a new random salt.
func (h *Hasher) Hash(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("make a salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, h.Time, h.Memory, h.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.Memory, h.Time, h.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify says whether password matches an encoded hash, in constant time.
func (h *Hasher) Verify(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
