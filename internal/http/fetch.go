package http

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"govlake/internal/govlake"
)

// Fetcher gets http(s) sources: bounded waits, bounded retries with
// exponential backoff and jitter on network errors and 5xx (never on 4xx),
// conditional requests, and headers whose secrets come from the environment.
type Fetcher struct {
	Client   *http.Client
	Logger   *slog.Logger
	Attempts int           // tries of one request
	Backoff  time.Duration // first wait; doubled each try, with jitter
	MaxWait  time.Duration // longest wait between tries
	Getenv   func(string) string
	// Sleep waits between tries; tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// NewFetcher returns a fetcher with a client that gives up on a server that
// does not connect in 10 s or answer in 60 s; the run's own timeout bounds
// the whole download.
func NewFetcher(logger *slog.Logger) *Fetcher {
	return &Fetcher{
		Client: &http.Client{
			Transport: &http.Transport{
				Proxy:                 http.ProxyFromEnvironment,
				DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
				TLSHandshakeTimeout:   10 * time.Second,
				ResponseHeaderTimeout: 60 * time.Second,
				MaxIdleConnsPerHost:   4,
			},
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if len(via) >= 10 {
					return errors.New("more than 10 redirects")
				}
				return nil
			},
		},
		Logger: logger, Attempts: 4, Backoff: 500 * time.Millisecond, MaxWait: 30 * time.Second,
		Getenv: os.Getenv, Sleep: sleep,
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// headers expands ${NAME} references; a missing variable is an error that
// names it, so a run never goes out without its credentials.
func (f *Fetcher) headers(src govlake.Source) (http.Header, error) {
	h := http.Header{}
	h.Set("User-Agent", "govlake (open data ingest)")
	for name, v := range src.Headers {
		var missing []string
		val := envRef.ReplaceAllStringFunc(v, func(ref string) string {
			key := envRef.FindStringSubmatch(ref)[1]
			x := f.Getenv(key)
			if x == "" {
				missing = append(missing, key)
			}
			return x
		})
		if len(missing) > 0 {
			return nil, govlake.Errorf(govlake.EINVALID, "source.headers.%s needs the environment variable %s, which is not set", name, strings.Join(missing, ", "))
		}
		h.Set(name, val)
	}
	return h, nil
}

// Fetch gets src.URL. With prev's validators it asks only for a change, and
// a 304 answer comes back as NotModified.
func (f *Fetcher) Fetch(ctx context.Context, src govlake.Source, prev *govlake.SourceInfo) (*govlake.Fetched, error) {
	h, err := f.headers(src)
	if err != nil {
		return nil, err
	}
	if prev != nil {
		if prev.ETag != "" {
			h.Set("If-None-Match", prev.ETag)
		}
		if prev.LastModified != "" {
			h.Set("If-Modified-Since", prev.LastModified)
		}
	}
	wait := f.Backoff
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, src.URL, nil)
		if err != nil {
			return nil, govlake.Errorf(govlake.EINVALID, "source url %s: %v", src.URL, err)
		}
		req.Header = h.Clone()
		resp, err := f.Client.Do(req)
		retry, failure := false, error(nil)
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			retry, failure = true, govlake.Errorf(govlake.EUNAVAILABLE, "get %s: %s", src.URL, rootCause(err))
		case resp.StatusCode == http.StatusNotModified:
			resp.Body.Close()
			return &govlake.Fetched{NotModified: true, URL: resp.Request.URL.String()}, nil
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			if limit := src.MaxBytes; limit > 0 && resp.ContentLength > limit {
				resp.Body.Close()
				return nil, govlake.Errorf(govlake.ETOOLARGE, "source %s is %d bytes, more than source.max_bytes (%d)", src.URL, resp.ContentLength, limit)
			}
			return &govlake.Fetched{Body: resp.Body, ETag: resp.Header.Get("ETag"),
				LastModified: resp.Header.Get("Last-Modified"), URL: resp.Request.URL.String()}, nil
		case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			resp.Body.Close()
			retry, failure = true, govlake.Errorf(govlake.EUNAVAILABLE, "get %s: the server answered %s: %s", src.URL, resp.Status, oneLine(body))
		default:
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			resp.Body.Close()
			return nil, govlake.Errorf(govlake.EINVALID, "get %s: the server answered %s: %s (not retried: check the URL and headers)", src.URL, resp.Status, oneLine(body))
		}
		if !retry || attempt >= f.Attempts {
			return nil, govlake.Errorf(govlake.EUNAVAILABLE, "%s (gave up after %d tries)", govlake.ErrorMessage(failure), attempt)
		}
		// Full jitter: spread retries of many runs over the wait.
		d := wait/2 + rand.N(wait/2+1)
		f.Logger.Warn("source fetch failed; retrying", "url", src.URL, "try", attempt, "wait", d, "err", govlake.ErrorMessage(failure))
		if err := f.Sleep(ctx, d); err != nil {
			return nil, err
		}
		if wait *= 2; wait > f.MaxWait {
			wait = f.MaxWait
		}
	}
}

func oneLine(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

func rootCause(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}
