// Package fetch gets sources from the network for the ingest runner:
// http(s) URLs and CKAN portals' package_show resources, with bounded waits
// and retries. Router sends each source to the fetcher for its scheme.
package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/netip"
	neturl "net/url"
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
	// Trusted are networks reachable without allow_private_network (an
	// operator's own data servers); other non-public addresses are refused.
	Trusted []netip.Prefix
}

// NewFetcher returns a fetcher with a client that gives up on a server that
// does not connect in 10 s or answer in 60 s; the run's own timeout bounds
// the whole download.
func NewFetcher(logger *slog.Logger) *Fetcher {
	f := &Fetcher{
		Client: &http.Client{
			Transport: &http.Transport{
				Proxy:                 http.ProxyFromEnvironment,
				TLSHandshakeTimeout:   10 * time.Second,
				ResponseHeaderTimeout: 60 * time.Second,
				MaxIdleConnsPerHost:   4,
			},
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if len(via) >= 10 {
					return errTooManyRedirects
				}
				return nil
			},
		},
		Logger: logger, Attempts: 4, Backoff: 500 * time.Millisecond, MaxWait: 30 * time.Second,
		Getenv: os.Getenv, Sleep: sleep,
	}
	f.Client.Transport.(*http.Transport).DialContext = f.dial
	return f
}

// errTooManyRedirects ends a redirect chain.
var errTooManyRedirects = errors.New("more than 10 redirects")

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

// Fetch gets src.URL, or for a CKAN source the resource that package_show
// names. With prev's validators it asks only for a change, and a 304 answer
// comes back as NotModified.
func (f *Fetcher) Fetch(ctx context.Context, src govlake.Source, prev *govlake.SourceInfo) (*govlake.Fetched, error) {
	h, err := f.headers(src)
	if err != nil {
		return nil, err
	}
	if src.AllowPrivateNetwork {
		ctx = allowPrivate(ctx)
	}
	if src.CKAN != "" {
		return f.fetchCKAN(ctx, src, h, prev)
	}
	return f.get(ctx, src.URL, src.MaxBytes, h, prev)
}

func (f *Fetcher) get(ctx context.Context, url string, maxBytes int64, h http.Header, prev *govlake.SourceInfo) (*govlake.Fetched, error) {
	h = h.Clone()
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
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, govlake.Errorf(govlake.EINVALID, "source url %s: %v", url, err)
		}
		req.Header = h.Clone()
		resp, err := f.Client.Do(req)
		retry, failure := false, error(nil)
		switch {
		case err != nil && errors.Is(err, errTooManyRedirects):
			// A loop answers the same way every time: no retry.
			return nil, govlake.Errorf(govlake.EINVALID, "get %s: more than 10 redirects (a redirect loop?): fix the source url", url)
		case err != nil && govlake.ErrorCode(err) == govlake.EFORBIDDEN:
			return nil, govlake.Errorf(govlake.EFORBIDDEN, "get %s: %s", url, govlake.ErrorMessage(err))
		case err != nil:
			if ctx.Err() != nil {
				return nil, govlake.Errorf(govlake.ETIMEOUT, "get %s: no answer before the run's time ran out (try %d)", url, attempt)
			}
			retry, failure = true, govlake.Errorf(govlake.EUNAVAILABLE, "get %s: %s", url, rootCause(err))
		case resp.StatusCode == http.StatusNotModified:
			resp.Body.Close()
			return &govlake.Fetched{NotModified: true, URL: resp.Request.URL.String()}, nil
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			if limit := maxBytes; limit > 0 && resp.ContentLength > limit {
				resp.Body.Close()
				return nil, govlake.Errorf(govlake.ETOOLARGE, "source %s is %d bytes, more than source.max_bytes (%d)", url, resp.ContentLength, limit)
			}
			return &govlake.Fetched{Body: resp.Body, ETag: resp.Header.Get("ETag"),
				LastModified: resp.Header.Get("Last-Modified"), URL: resp.Request.URL.String()}, nil
		case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			resp.Body.Close()
			retry, failure = true, govlake.Errorf(govlake.EUNAVAILABLE, "get %s: the server answered %s: %s", url, resp.Status, oneLine(body))
		default:
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			resp.Body.Close()
			return nil, &clientError{status: resp.StatusCode, body: body, err: govlake.Errorf(govlake.EINVALID, "get %s: the server answered %s: %s (not retried: check the URL and headers)", url, resp.Status, oneLine(body))}
		}
		if !retry || attempt >= f.Attempts {
			return nil, govlake.Errorf(govlake.EUNAVAILABLE, "%s (gave up after %d tries)", govlake.ErrorMessage(failure), attempt)
		}
		// Full jitter: spread retries of many runs over the wait.
		d := wait/2 + rand.N(wait/2+1)
		f.Logger.Warn("source fetch failed; retrying", "url", url, "try", attempt, "wait", d, "err", govlake.ErrorMessage(failure))
		if err := f.Sleep(ctx, d); err != nil {
			return nil, govlake.Errorf(govlake.ETIMEOUT, "get %s: the run's time ran out while waiting to try again after: %s", url, govlake.ErrorMessage(failure))
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

// clientError is a 4xx answer; a CKAN portal puts its reason in the body.
type clientError struct {
	status int
	body   []byte
	err    error
}

func (e *clientError) Error() string { return e.err.Error() }
func (e *clientError) Unwrap() error { return e.err }

// ckanPackage is the part of CKAN's package_show result govlake uses.
type ckanPackage struct {
	Name         string `json:"name"`
	Title        string `json:"title"`
	Notes        string `json:"notes"`
	LicenseID    string `json:"license_id"`
	LicenseTitle string `json:"license_title"`
	Organization *struct {
		Name  string `json:"name"`
		Title string `json:"title"`
	} `json:"organization"`
	Tags []struct {
		Name string `json:"name"`
	} `json:"tags"`
	Resources []struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		URL    string `json:"url"`
		Format string `json:"format"`
	} `json:"resources"`
}

// fetchCKAN reads package_show, picks the resource (by id or name, or the
// first in the source's format), downloads it, and returns the portal's
// metadata with it.
func (f *Fetcher) fetchCKAN(ctx context.Context, src govlake.Source, h http.Header, prev *govlake.SourceInfo) (*govlake.Fetched, error) {
	portal := strings.TrimSuffix(src.CKAN, "/")
	api := portal + "/api/3/action/package_show?id=" + neturl.QueryEscape(src.Package)
	var reply struct {
		Success bool        `json:"success"`
		Result  ckanPackage `json:"result"`
		Error   struct {
			Message string `json:"message"`
			Type    string `json:"__type"`
		} `json:"error"`
	}
	got, err := f.get(ctx, api, 64<<20, h, nil)
	var body []byte
	var ce *clientError
	switch {
	case errors.As(err, &ce):
		body = ce.body // CKAN answers 404 and 403 with its error in JSON
	case err != nil:
		return nil, err
	default:
		body, err = io.ReadAll(io.LimitReader(got.Body, 64<<20))
		got.Body.Close()
		if err != nil {
			return nil, govlake.Errorf(govlake.EUNAVAILABLE, "read %s: %v", api, err)
		}
	}
	if jerr := json.Unmarshal(body, &reply); jerr != nil {
		if err != nil {
			return nil, err
		}
		return nil, govlake.Errorf(govlake.EINVALID, "CKAN portal %s: package_show did not answer CKAN's JSON (%v); check source.ckan", portal, jerr)
	}
	if !reply.Success {
		return nil, govlake.Errorf(govlake.EINVALID, "CKAN portal %s: dataset %q: %s %s", portal, src.Package, reply.Error.Type, reply.Error.Message)
	}
	pkg := reply.Result
	pick := -1
	var seen []string
	for i, r := range pkg.Resources {
		seen = append(seen, fmt.Sprintf("%s (%s, %s)", r.ID, r.Name, r.Format))
		switch {
		case src.Resource != "" && (r.ID == src.Resource || r.Name == src.Resource):
			pick = i
		case src.Resource == "" && pick < 0 && strings.EqualFold(r.Format, src.Format):
			pick = i
		}
	}
	if pick < 0 {
		want := fmt.Sprintf("a %s resource", src.Format)
		if src.Resource != "" {
			want = fmt.Sprintf("resource %q", src.Resource)
		}
		return nil, govlake.Errorf(govlake.EINVALID, "CKAN portal %s: dataset %q has no %s; it has %s", portal, src.Package, want, strings.Join(seen, "; "))
	}
	res := pkg.Resources[pick]
	out, err := f.get(ctx, res.URL, src.MaxBytes, h, prev)
	if err != nil {
		return nil, err
	}
	meta := &govlake.Metadata{Title: pkg.Title, Description: pkg.Notes, License: pkg.LicenseID}
	if pkg.LicenseTitle != "" {
		meta.License = pkg.LicenseTitle
	}
	if pkg.Organization != nil {
		meta.Organization = pkg.Organization.Title
		if meta.Organization == "" {
			meta.Organization = pkg.Organization.Name
		}
	}
	for _, t := range pkg.Tags {
		meta.Tags = append(meta.Tags, t.Name)
	}
	out.Metadata = meta
	out.Origin = fmt.Sprintf("CKAN %s, dataset %s, resource %s", portal, pkg.Name, res.ID)
	return out, nil
}
