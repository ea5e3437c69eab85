package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"marquee/db"
)

// migrateCommands are the subcommands of marquee migrate.
var migrateCommands = []subcommand{
	{"up", "apply every pending migration, each in its own transaction, one migrate up at a time", runMigrateUp},
	{"status", "list the migrations and whether each is applied", runMigrateStatus},
}

// migrationURL parses a migrate subcommand's (flag-less) command line and
// returns DATABASE_DIRECT_URL, or DATABASE_URL when it is unset: goose's
// lock and each migration's transaction need a session of their own, not a
// transaction pooler's.
func migrationURL(e *env, verb, usage string, args []string) (string, error) {
	fs := newFlags(e, "migrate "+verb, usage+"\n\nDATABASE_URL (or DATABASE_DIRECT_URL, when set: never through a transaction pooler)\nmust name the schema's owner or a superuser.")
	if err := parseFlags(fs, args); err != nil {
		return "", err
	}
	if fs.NArg() > 0 {
		return "", usageError{fmt.Sprintf("migrate %s: unexpected %q (marquee migrate %s --help)", verb, fs.Arg(0), verb)}
	}
	url := e.getenv("DATABASE_DIRECT_URL")
	if url == "" {
		url = e.getenv("DATABASE_URL")
	}
	if url == "" {
		return "", fmt.Errorf("DATABASE_URL is required")
	}
	return url, nil
}

// migrateUpUsage names the settings of migrate up.
const migrateUpUsage = `migrate up

Applies the pending migrations, holding a Postgres advisory lock: a second
migrate up (another pod) waits for the first and then finds nothing to do.

MIGRATE_LOCK_TIMEOUT      lock_timeout of each statement (default 5s): a migration
                          that waits longer for a table's lock gives up, and is
                          tried again MIGRATE_LOCK_RETRIES times (default 5)
MIGRATE_STATEMENT_TIMEOUT statement_timeout of each statement (default 10m)
MIGRATE_LOCK_WAIT         how long to wait for another migrate up (default 10m)`

// migrateOptions reads migrate up's settings from the environment.
func migrateOptions(e *env) (db.MigrateOptions, error) {
	var o db.MigrateOptions
	for name, dst := range map[string]*time.Duration{"MIGRATE_LOCK_TIMEOUT": &o.LockTimeout, "MIGRATE_STATEMENT_TIMEOUT": &o.StatementTimeout, "MIGRATE_LOCK_WAIT": &o.LockWait} {
		if v := strings.TrimSpace(e.getenv(name)); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Millisecond {
				return o, fmt.Errorf("%s: %q is not a duration of at least 1ms (such as 5s or 10m)", name, v)
			}
			*dst = d
		}
	}
	if v := strings.TrimSpace(e.getenv("MIGRATE_LOCK_RETRIES")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 100 {
			return o, fmt.Errorf("MIGRATE_LOCK_RETRIES: %q is not a number from 0 to 100", v)
		}
		o.LockRetries = n
		if n == 0 {
			o.LockRetries = -1
		}
	}
	return o, nil
}

func runMigrateUp(ctx context.Context, e *env, args []string) error {
	url, err := migrationURL(e, "up", migrateUpUsage, args)
	if err != nil {
		return err
	}
	opts, err := migrateOptions(e)
	if err != nil {
		return err
	}
	opts.Waiting = func() {
		fmt.Fprintln(e.stdout, "waiting for another migrate up to finish (it holds the migration lock)")
	}
	applied, err := db.MigrateWith(ctx, url, opts)
	if err != nil {
		return err
	}
	for _, m := range applied {
		fmt.Fprintf(e.stdout, "applied %s\n", m.Name)
	}
	if len(applied) == 0 {
		fmt.Fprintln(e.stdout, "nothing to apply: the database is up to date")
	}
	return nil
}

func runMigrateStatus(ctx context.Context, e *env, args []string) error {
	url, err := migrationURL(e, "status", "migrate status", args)
	if err != nil {
		return err
	}
	all, err := db.Migrations(ctx, url)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "VERSION\tMIGRATION\tSTATE")
	for _, m := range all {
		state := "pending"
		if m.Applied {
			state = "applied"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\n", m.Version, m.Name, state)
	}
	return w.Flush()
}
