package backup

import (
	"fmt"
	"time"
)

// The defaults of Config: a backup every 4 hours, every backup kept 30
// days, one a week kept for a year.
const (
	DefaultInterval   = 4 * time.Hour
	DefaultKeepAll    = 30 * 24 * time.Hour
	DefaultKeepWeekly = 365 * 24 * time.Hour
	// DefaultGrace is how late a scheduled backup may be before it counts
	// as missed.
	DefaultGrace = time.Hour
)

// Config is the schedule and the retention (BACKUP_INTERVAL,
// BACKUP_KEEP_ALL, BACKUP_KEEP_WEEKLY, BACKUP_GRACE). The zero value
// means the defaults.
type Config struct {
	// Interval between scheduled backups. An interval that divides a day
	// puts them at fixed times from midnight UTC (00:00, 04:00, 08:00 …
	// with 4 h), so restarts never shift the schedule.
	Interval time.Duration
	// KeepAll keeps every backup younger than this.
	KeepAll time.Duration
	// KeepWeekly keeps, among backups older than KeepAll and younger than
	// this, the first complete backup of each week (ISO weeks, UTC).
	// Anything older is pruned. Equal to KeepAll: no weekly backups.
	KeepWeekly time.Duration
	// Grace is how long past its time a scheduled backup may still be
	// missing before the console and the metrics call it missed.
	Grace time.Duration
}

// WithDefaults fills in the zero fields.
func (c Config) WithDefaults() Config {
	if c.Interval == 0 {
		c.Interval = DefaultInterval
	}
	if c.KeepAll == 0 {
		c.KeepAll = DefaultKeepAll
	}
	if c.KeepWeekly == 0 {
		c.KeepWeekly = max(DefaultKeepWeekly, c.KeepAll)
	}
	if c.Grace == 0 {
		c.Grace = DefaultGrace
	}
	return c
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	c = c.WithDefaults()
	switch {
	case c.Interval < time.Minute:
		return fmt.Errorf("BACKUP_INTERVAL: %v is shorter than a minute", c.Interval)
	case c.KeepAll < c.Interval:
		return fmt.Errorf("BACKUP_KEEP_ALL: %v is shorter than the interval %v, so a backup could be pruned before the next one exists", c.KeepAll, c.Interval)
	case c.KeepWeekly < c.KeepAll:
		return fmt.Errorf("BACKUP_KEEP_WEEKLY: %v is shorter than BACKUP_KEEP_ALL %v", c.KeepWeekly, c.KeepAll)
	case c.Grace < 0 || c.Grace >= c.Interval:
		return fmt.Errorf("BACKUP_GRACE: %v must be at least 0 and shorter than the interval %v", c.Grace, c.Interval)
	}
	return nil
}

// Slot is the start of the schedule's slot that now falls in: the time the
// last scheduled backup was due.
func (c Config) Slot(now time.Time) time.Time {
	c = c.WithDefaults()
	return now.UTC().Truncate(c.Interval)
}

// Next is when the next scheduled backup is due after now.
func (c Config) Next(now time.Time) time.Time {
	c = c.WithDefaults()
	return c.Slot(now).Add(c.Interval)
}
