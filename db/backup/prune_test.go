package backup_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"marquee/db/backup"
)

const day = 24 * time.Hour

// backupAt is a complete backup's summary at t.
func backupAt(t time.Time, kind backup.Kind) backup.Backup {
	return backup.Backup{ID: backup.NewID(t, kind, "abcdef"), Kind: kind, State: backup.StateComplete, CreatedAt: t.UTC()}
}

// everyFourHours are scheduled backups from start for n days.
func everyFourHours(start time.Time, days int) []backup.Backup {
	var out []backup.Backup
	for t := start; t.Before(start.Add(time.Duration(days) * day)); t = t.Add(4 * time.Hour) {
		out = append(out, backupAt(t, backup.KindScheduled))
	}
	return out
}

func ids(bs []backup.Backup) []string {
	out := make([]string, 0, len(bs))
	for _, b := range bs {
		out = append(out, b.ID)
	}
	return out
}

func TestPlan(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	start := now.Add(-400 * day).Truncate(day)
	all := everyFourHours(start, 401)
	all = slices.DeleteFunc(all, func(b backup.Backup) bool { return b.CreatedAt.After(now) })
	remove := Plan(all, backup.Config{}, now)
	removed := map[string]bool{}
	for _, id := range ids(remove) {
		removed[id] = true
	}
	var kept []backup.Backup
	for _, b := range all {
		if !removed[b.ID] {
			kept = append(kept, b)
		}
	}

	t.Run("every backup of the last 30 days stays", func(t *testing.T) {
		for _, b := range all {
			if b.Age(now) < 30*day && removed[b.ID] {
				t.Errorf("%s (%v old) removed", b.ID, b.Age(now))
			}
		}
	})
	t.Run("one a week stays for a year, the week's first", func(t *testing.T) {
		weeks := map[string][]string{}
		for _, b := range kept {
			if b.Age(now) >= 30*day {
				y, w := b.CreatedAt.ISOWeek()
				key := fmt.Sprintf("%d-W%02d", y, w)
				weeks[key] = append(weeks[key], b.ID)
			}
		}
		for w, bs := range weeks {
			if len(bs) != 1 {
				t.Errorf("week %s keeps %v, want one", w, bs)
			}
		}
		// 365 - 30 days hold 47 or 48 whole or partial ISO weeks.
		if n := len(weeks); n < 47 || n > 49 {
			t.Errorf("%d weekly backups kept between 30 days and a year, want about 48", n)
		}
		for _, b := range kept {
			if b.Age(now) >= 30*day && b.CreatedAt.Weekday() != time.Monday && b.Age(now) < 358*day { // the oldest week may have lost its Monday
				t.Errorf("kept %s, a %v: the week's first backup is a Monday's", b.ID, b.CreatedAt.Weekday())
			}
		}
	})
	t.Run("nothing older than a year stays", func(t *testing.T) {
		for _, b := range kept {
			if b.Age(now) >= 365*day {
				t.Errorf("%s kept at %v old", b.ID, b.Age(now))
			}
		}
	})
	t.Run("the newest backup stays however old", func(t *testing.T) {
		old := []backup.Backup{backupAt(now.Add(-500*day), backup.KindManual), backupAt(now.Add(-400*day), backup.KindScheduled)}
		if got := ids(Plan(old, backup.Config{}, now)); !slices.Equal(got, []string{old[0].ID}) {
			t.Errorf("removed %v, want only the older %s", got, old[0].ID)
		}
	})
	t.Run("incomplete backups go, complete ones of the same time stay", func(t *testing.T) {
		inc := backupAt(now.Add(-time.Hour), backup.KindScheduled)
		inc.State, inc.ID = backup.StateIncomplete, backup.NewID(inc.CreatedAt, backup.KindScheduled, "000001")
		got := ids(Plan([]backup.Backup{inc, backupAt(now.Add(-time.Hour), backup.KindScheduled)}, backup.Config{}, now))
		if !slices.Equal(got, []string{inc.ID}) {
			t.Errorf("removed %v, want %s", got, inc.ID)
		}
	})
	t.Run("retention is configurable", func(t *testing.T) {
		cfg := backup.Config{Interval: 4 * time.Hour, KeepAll: 2 * day, KeepWeekly: 2 * day}
		got := Plan(all, cfg, now)
		if want := len(all) - 12; len(got) != want { // 2 days of 6 a day stay
			t.Errorf("removed %d of %d with 2 days and no weekly ones, want %d", len(got), len(all), want)
		}
	})
}

// Plan is backup.Plan; the name reads better in the table above.
var Plan = backup.Plan

// putManifest stores a small complete backup created at t in s.
func putManifest(t *testing.T, s backup.Store, at time.Time, kind backup.Kind) string {
	t.Helper()
	ctx := context.Background()
	id := backup.NewID(at, kind, "0a0b0c")
	m := backup.Manifest{Format: backup.ManifestFormat, ID: id, Kind: kind, CreatedAt: at.UTC(), FinishedAt: at.UTC(),
		Database: backup.File{Name: "database.dump", Size: 4}, Tables: map[string]int64{"public.orders": 1}}
	body, _ := json.Marshal(m)
	for name, b := range map[string]string{id + "/database.dump": "dump", id + "/manifest.json": string(body)} {
		if err := s.Put(ctx, name, strings.NewReader(b), int64(len(b))); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		cfg  backup.Config
		want string
	}{
		{backup.Config{}, ""},
		{backup.Config{Interval: time.Hour, KeepAll: 7 * day, KeepWeekly: 90 * day, Grace: 10 * time.Minute}, ""},
		{backup.Config{Interval: time.Second}, "BACKUP_INTERVAL"},
		{backup.Config{Interval: 2 * day, KeepAll: day}, "BACKUP_KEEP_ALL"},
		{backup.Config{KeepAll: 40 * day, KeepWeekly: 35 * day}, "BACKUP_KEEP_WEEKLY"},
		{backup.Config{Grace: 5 * time.Hour}, "BACKUP_GRACE"},
	} {
		err := tc.cfg.Validate()
		if (tc.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.cfg, err, tc.want)
		}
	}
}
