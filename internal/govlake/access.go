package govlake

import (
	"context"
	"time"
)

// Roles a credential has within its organisation.
const (
	RoleAdmin     = "admin"     // everything, including other organisations' datasets and the audit log
	RolePublisher = "publisher" // create datasets, upload, publish and withdraw versions of its organisation
	RoleEditor    = "editor"    // upload drafts and edit metadata of its organisation, no publishing
)

// Access error codes, beside those of error.go.
const (
	EUNAUTHORIZED = "unauthorized" // no credential, or one that is wrong, expired or revoked
	EFORBIDDEN    = "forbidden"    // a valid credential that may not do this
	EGONE         = "gone"         // withdrawn: it existed and was removed on purpose
)

// Token is an API credential of an organisation, as stored: the secret
// itself is never kept, only its SHA-256.
type Token struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Org       string    `json:"organization"`
	Role      string    `json:"role"`
	Hash      string    `json:"sha256"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// TokenKey is where a token's record lives in the store.
func TokenKey(id string) string { return "tokens/" + id + ".json" }

// Principal is who makes a request: a token's organisation and role.
type Principal struct {
	Org, Role string
	// Who names the credential in the audit log: "token <id> (<name>)".
	Who string
}

// Can says whether p may act on something of organisation org with at
// least the role need (editor < publisher < admin). An admin may act on
// any organisation's datasets.
func (p *Principal) Can(need, org string) bool {
	if p == nil {
		return false
	}
	if p.Role == RoleAdmin {
		return true
	}
	return p.Org == org && rank[p.Role] >= rank[need]
}

var rank = map[string]int{RoleEditor: 1, RolePublisher: 2, RoleAdmin: 3}

// ValidRole says whether r is a role.
func ValidRole(r string) bool { return rank[r] > 0 }

type principalKey struct{}

// WithPrincipal returns ctx carrying who makes the request.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns who makes the request, or nil for nobody signed in.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// AuditEvent is one write, or one refused attempt, on record: who, for
// which organisation, what, on what, when, from where, and how it ended.
type AuditEvent struct {
	Time   time.Time `json:"time"`
	Who    string    `json:"who"`
	Org    string    `json:"organization,omitempty"`
	Action string    `json:"action"` // token.create, dataset.update, version.upload, auth.denied ...
	Target string    `json:"target,omitempty"`
	Result string    `json:"result"` // ok, or the error code
	Remote string    `json:"remote,omitempty"`
	Detail string    `json:"detail,omitempty"`
}

// AuditKey is where an event lives: one immutable object per event, in
// time order.
func AuditKey(at time.Time, id string) string {
	return "audit/" + at.UTC().Format("2006/01/02/20060102T150405.000000000Z") + "-" + id + ".json"
}

// Session is a signed-in browser, as stored (under a hash of its id):
// who, and the token its forms must carry against cross-site requests.
type Session struct {
	Email   string    `json:"email"`
	Org     string    `json:"organization"`
	Role    string    `json:"role"`
	CSRF    string    `json:"csrf"`
	Expires time.Time `json:"expires"`
}
