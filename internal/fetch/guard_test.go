package fetch

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"govlake/internal/govlake"
)

// Sources may not reach the machine, the metadata service or the private
// network unless the pipeline allows it; the check is made on the address
// each connection goes to (after DNS, after every redirect), before any
// packet is sent.
func TestFetchRefusesNonPublicAddresses(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/elsewhere": // a trusted server that redirects off it
			http.Redirect(w, r, "http://127.0.0.2:9/x.csv", http.StatusFound)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		default:
			io.WriteString(w, "id\n1\n")
		}
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	plain := func() (*Fetcher, *[]int) {
		f := NewFetcher(slog.New(slog.NewTextHandler(io.Discard, nil)))
		tries := &[]int{}
		f.Sleep = func(context.Context, time.Duration) error { *tries = append(*tries, 1); return nil }
		return f, tries
	}
	cases := []struct {
		name, url string
		trusted   string
		allow     bool
		want      string // error text; "" for a fetched body
	}{
		{name: "metadata service", url: "http://169.254.169.254/latest/meta-data/", want: "get http://169.254.169.254/latest/meta-data/: 169.254.169.254 is a link-local address (where cloud metadata services answer): refused; set allow_private_network: true in the pipeline's source if it must be fetched from there"},
		{name: "loopback by name (resolved first)", url: "http://localhost" + port + "/x.csv", want: "127.0.0.1 (localhost) is this machine (loopback): refused"},
		{name: "private network", url: "http://10.1.2.3/x.csv", want: "10.1.2.3 is a private network address: refused"},
		{name: "IPv6 loopback", url: "http://[::1]:9/x.csv", want: "::1 is this machine (loopback): refused"},
		{name: "IPv4-mapped IPv6", url: "http://[::ffff:169.254.169.254]/", want: "169.254.169.254 (::ffff:169.254.169.254) is a link-local address"},
		{name: "carrier NAT", url: "http://100.64.0.1/", want: "100.64.0.1 is a carrier-grade NAT address"},
		{name: "redirect off a trusted server", url: srv.URL + "/elsewhere", trusted: "127.0.0.1/32", want: "127.0.0.2 is this machine (loopback): refused"},
		{name: "allowed by the pipeline", url: "http://localhost" + port + "/x.csv", allow: true},
		{name: "redirect loop, tried once", url: srv.URL + "/loop", trusted: "127.0.0.1/32", want: "more than 10 redirects (a redirect loop?): fix the source url"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, tries := plain()
			if c.trusted != "" {
				f.Trusted = []netip.Prefix{netip.MustParsePrefix(c.trusted)}
			}
			before := hits.Load()
			got, err := f.Fetch(context.Background(), govlake.Source{URL: c.url, AllowPrivateNetwork: c.allow}, nil)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if b := body(t, got); b != "id\n1\n" {
					t.Errorf("body %q", b)
				}
				return
			}
			if err == nil {
				got.Body.Close()
				t.Fatalf("fetched %s", c.url)
			}
			if !strings.Contains(govlake.ErrorMessage(err), c.want) {
				t.Errorf("error %q\nwant it to contain %q", govlake.ErrorMessage(err), c.want)
			}
			if len(*tries) != 0 {
				t.Errorf("retried %d times", len(*tries))
			}
			if strings.HasPrefix(c.name, "redirect loop") {
				if n := hits.Load() - before; n != 10 {
					t.Errorf("%d requests for a loop, want 10 (one try)", n)
				}
			} else if strings.Contains(c.url, "localhost") && hits.Load() != before {
				t.Errorf("the refused server got a request")
			}
		})
	}
}
