package access

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"govlake/internal/govlake"
)

// Audit appends events to the store's audit/ folder, one immutable object
// each, and reads them back for the audit_log table.
type Audit struct {
	store govlake.Store
	now   func() time.Time

	mu   sync.Mutex
	rows map[string][]any // events already read, by key: they never change
}

// NewAudit returns the audit trail of store.
func NewAudit(store govlake.Store, now func() time.Time) *Audit {
	return &Audit{store: store, now: now, rows: map[string][]any{}}
}

// Record writes e, stamped now. An event that cannot be written is an
// error: a write whose record is lost must not look recorded.
func (a *Audit) Record(ctx context.Context, e govlake.AuditEvent) error {
	if e.Time.IsZero() {
		e.Time = a.now().UTC()
	}
	id := make([]byte, 6)
	rand.Read(id)
	b, _ := json.Marshal(e)
	if err := a.store.Create(ctx, govlake.AuditKey(e.Time, hex.EncodeToString(id)), bytes.NewReader(b)); err != nil {
		return fmt.Errorf("record %s in the audit log: %w", e.Action, err)
	}
	return nil
}

// AuditColumns are the columns of the audit_log table.
var AuditColumns = []govlake.ResultColumn{
	{Name: "time", Type: "string"}, {Name: "who", Type: "string"}, {Name: "organization", Type: "string"},
	{Name: "action", Type: "string"}, {Name: "target", Type: "string"}, {Name: "result", Type: "string"},
	{Name: "remote", Type: "string"}, {Name: "detail", Type: "string"},
}

// Rows reads every event for the audit_log table; the key is the newest
// event's object, so the table is rebuilt only when events were added.
func (a *Audit) Rows(ctx context.Context) (string, []govlake.ResultColumn, [][]any, error) {
	objs, err := a.store.List(ctx, "audit/")
	if err != nil {
		return "", nil, nil, fmt.Errorf("list the audit log: %w", err)
	}
	key := fmt.Sprint(len(objs))
	if len(objs) > 0 {
		key += " " + objs[len(objs)-1].Key
	}
	rows := make([][]any, 0, len(objs))
	for _, o := range objs {
		if !strings.HasSuffix(o.Key, ".json") {
			continue
		}
		a.mu.Lock()
		row, ok := a.rows[o.Key]
		a.mu.Unlock()
		if ok {
			rows = append(rows, row)
			continue
		}
		rc, err := a.store.Get(ctx, o.Key)
		if err != nil {
			return "", nil, nil, fmt.Errorf("read %s: %w", o.Key, err)
		}
		var e govlake.AuditEvent
		err = json.NewDecoder(io.LimitReader(rc, 1<<16)).Decode(&e)
		rc.Close()
		if err != nil {
			return "", nil, nil, fmt.Errorf("read %s: %w", o.Key, err)
		}
		row = []any{e.Time.UTC().Format(time.RFC3339Nano), e.Who, e.Org, e.Action, e.Target, e.Result, e.Remote, e.Detail}
		a.mu.Lock()
		a.rows[o.Key] = row
		a.mu.Unlock()
		rows = append(rows, row)
	}
	return key, AuditColumns, rows, nil
}

// AdminsOnly lets only an admin's queries read the audit log.
func AdminsOnly(ctx context.Context) error {
	switch p := govlake.PrincipalFrom(ctx); {
	case p == nil:
		return govlake.Errorf(govlake.EUNAUTHORIZED, "audit_log needs an admin's token: send Authorization: Bearer <token>")
	case p.Role != govlake.RoleAdmin:
		return govlake.Errorf(govlake.EFORBIDDEN, "only an admin's token may query audit_log")
	}
	return nil
}
