package web

import (
	"math"
	"strconv"
	"sync"
	"time"
)

// rateLimiter is a token bucket per API token: Rate requests a second on
// average, Burst at once. Requests without a token are not counted here.
type rateLimiter struct {
	Rate  float64
	Burst float64

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// allow takes one request from who's bucket; when it is empty it says how
// long until the next request may come.
func (l *rateLimiter) allow(who string, now time.Time) (bool, time.Duration) {
	if l == nil || l.Rate <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[string]*bucket{}
	}
	b, ok := l.buckets[who]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.prune(now)
		}
		b = &bucket{tokens: l.Burst, at: now}
		l.buckets[who] = b
	}
	b.tokens = math.Min(l.Burst, b.tokens+now.Sub(b.at).Seconds()*l.Rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.Rate * float64(time.Second))
}

// retryAfter writes a wait as whole seconds, at least one.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}

// maxBuckets bounds the clients remembered at once; past it, the ones whose
// buckets have refilled are forgotten (they would start full anyway).
const maxBuckets = 100000

func (l *rateLimiter) prune(now time.Time) {
	for who, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.Rate >= l.Burst {
			delete(l.buckets, who)
		}
	}
	if len(l.buckets) >= maxBuckets { // every client is busy: start afresh
		clear(l.buckets)
	}
}
