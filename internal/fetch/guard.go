package fetch

import (
	"context"
	"net"
	"net/netip"
	"syscall"
	"time"

	"govlake/internal/govlake"
)

// Outbound safety: a pipeline's URL must not reach the machine itself, the
// cloud's metadata service or the private network behind the server unless
// the pipeline says so (allow_private_network). The address is checked
// when each connection is made, after DNS, so a redirect to such an address
// and a name that resolves to one later (DNS rebinding) are refused too.

type privateKey struct{}

// allowPrivate marks ctx as a fetch whose pipeline may reach private
// addresses.
func allowPrivate(ctx context.Context) context.Context {
	return context.WithValue(ctx, privateKey{}, true)
}

// dial connects like dialer, refusing addresses that are not public unless
// ctx allows them or they are in f.Trusted.
func (f *Fetcher) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if ok, _ := ctx.Value(privateKey{}).(bool); ok {
		return dialer.DialContext(ctx, network, addr)
	}
	d := dialer
	d.Control = func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return govlake.Errorf(govlake.EFORBIDDEN, "cannot tell where %s is: refused", address)
		}
		a := ap.Addr().Unmap()
		for _, p := range f.Trusted {
			if p.Contains(a) {
				return nil
			}
		}
		if kind := nonPublic(a); kind != "" {
			host, _, _ := net.SplitHostPort(addr)
			at := ""
			if host != a.String() {
				at = " (" + host + ")"
			}
			return govlake.Errorf(govlake.EFORBIDDEN, "%s%s is %s: refused; set allow_private_network: true in the pipeline's source if it must be fetched from there", a, at, kind)
		}
		return nil
	}
	return d.DialContext(ctx, network, addr)
}

// carrierNAT and the others are special ranges netip has no test for.
var (
	carrierNAT = netip.MustParsePrefix("100.64.0.0/10")
	benchmark  = netip.MustParsePrefix("198.18.0.0/15")
	ipv4Zero   = netip.MustParsePrefix("0.0.0.0/8")
	nat64      = netip.MustParsePrefix("64:ff9b::/96")
)

// nonPublic says what kind of address a is when it is not on the public
// internet, or "" when it is.
func nonPublic(a netip.Addr) string {
	a = a.Unmap()
	if a.Is6() && nat64.Contains(a) {
		// An IPv4 address embedded for NAT64: judge the address inside.
		b := a.As16()
		a = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	switch {
	case a.IsLoopback():
		return "this machine (loopback)"
	case a.IsLinkLocalUnicast():
		return "a link-local address (where cloud metadata services answer)"
	case a.IsPrivate():
		return "a private network address"
	case a.IsUnspecified() || ipv4Zero.Contains(a):
		return "an unspecified address"
	case a.IsMulticast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast():
		return "a multicast address"
	case carrierNAT.Contains(a):
		return "a carrier-grade NAT address"
	case benchmark.Contains(a):
		return "a benchmarking network address"
	}
	return ""
}

// dialer is the connection setup every fetch uses.
var dialer = net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
