package edge

import (
	"context"
	"log/slog"

	"github.com/google/uuid"

	"marquee/tenant"
)

// Following keeps the names the edge serves in step with the events: a
// changed event's directory entry is reloaded and the names it lost are
// forgotten from memory (their next handshake asks the directory again);
// after a reconnection the whole directory reloads. It is a cache for
// db.Forget; ctx bounds its reloads, whose errors it logs.
type Following struct {
	Ctx       context.Context
	Directory *tenant.Directory
	Edge      *Edge
	Log       *slog.Logger
}

// Forget reloads event id's entry and forgets the names it no longer has.
func (f Following) Forget(id uuid.UUID) {
	removed, err := f.Directory.Refresh(f.Ctx, id)
	if err != nil {
		f.Log.Warn("refresh the TLS directory", "tenant", id, "err", err)
	}
	for _, name := range removed {
		f.Edge.Forget(name)
	}
}

// ForgetAll reloads the whole directory.
func (f Following) ForgetAll() {
	if err := f.Directory.Load(f.Ctx); err != nil {
		f.Log.Warn("reload the TLS directory", "err", err)
	}
}
