package icu

import "sync/atomic"

// pool keeps up to a fixed number of idle ICU objects for reuse and closes
// the rest. A sync.Pool would drop idle objects at a garbage collection
// without closing them, leaking their C memory (see TestWordsPoolIsBounded).
type pool[T any] struct {
	idle  chan T
	open  func() (T, error)
	close func(T)
	live  atomic.Int64 // objects open, idle or in use
}

// poolIdle is how many idle objects a pool keeps: more than the requests
// that segment text at once on a small server.
const poolIdle = 8

func newPool[T any](open func() (T, error), close func(T)) *pool[T] {
	return &pool[T]{idle: make(chan T, poolIdle), open: open, close: close}
}

// get returns an idle object, or a new one.
func (p *pool[T]) get() (T, error) {
	select {
	case x := <-p.idle:
		return x, nil
	default:
	}
	x, err := p.open()
	if err == nil {
		p.live.Add(1)
	}
	return x, err
}

// put keeps x for reuse, or closes it when enough are idle.
func (p *pool[T]) put(x T) {
	select {
	case p.idle <- x:
	default:
		p.close(x)
		p.live.Add(-1)
	}
}

// drain closes the idle objects.
func (p *pool[T]) drain() {
	for {
		select {
		case x := <-p.idle:
			p.close(x)
			p.live.Add(-1)
		default:
			return
		}
	}
}
