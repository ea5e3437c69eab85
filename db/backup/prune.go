package backup

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Plan applies the retention rules of cfg at now to backups and returns
// the ones to remove, oldest first:
//   - every complete backup younger than KeepAll stays;
//   - between KeepAll and KeepWeekly, the oldest complete backup of each
//     ISO week (UTC) stays, so the one kept for a week never changes as
//     newer backups of that week age in;
//   - complete backups older than KeepWeekly go;
//   - the newest complete backup always stays, however old, so pruning
//     never leaves nothing to restore;
//   - incomplete backups go: Prune runs under the lock every backup
//     holds while it writes, so an incomplete one's process has died.
func Plan(backups []Backup, cfg Config, now time.Time) []Backup {
	cfg = cfg.WithDefaults()
	sorted := slices.Clone(backups)
	slices.SortFunc(sorted, func(a, b Backup) int { return strings.Compare(a.ID, b.ID) })
	newest := ""
	for _, b := range sorted {
		if b.State == StateComplete {
			newest = b.ID
		}
	}
	weeks := map[string]bool{}
	var remove []Backup
	for _, b := range sorted {
		age := b.Age(now)
		switch {
		case b.State != StateComplete:
			remove = append(remove, b)
		case b.ID == newest || age < cfg.KeepAll:
		case age < cfg.KeepWeekly && !weeks[isoWeek(b.CreatedAt)]:
			weeks[isoWeek(b.CreatedAt)] = true
		default:
			remove = append(remove, b)
		}
	}
	return remove
}

func isoWeek(t time.Time) string {
	y, w := t.UTC().ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// Prune removes the backups Plan names at the engine's now and returns
// them; while a backup runs, it fails with ECONFLICT (backup.busy).
func (e *Engine) Prune(ctx context.Context, cfg Config) ([]Backup, error) {
	unlock, err := e.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return e.pruneLocked(ctx, cfg, e.now())
}

func (e *Engine) pruneLocked(ctx context.Context, cfg Config, now time.Time) ([]Backup, error) {
	all, err := e.List(ctx)
	if err != nil {
		return nil, err
	}
	remove := Plan(all, cfg, now)
	for i, b := range remove {
		if err := e.deleteFiles(ctx, b.ID); err != nil {
			return remove[:i], err
		}
		e.log().Info("backup pruned", "id", b.ID, "created", b.CreatedAt, "state", b.State)
	}
	return remove, nil
}
