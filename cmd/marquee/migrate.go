package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"marquee/db"
)

// migrateCommands are the subcommands of marquee migrate.
var migrateCommands = []subcommand{
	{"up", "apply every pending migration, each in its own transaction", runMigrateUp},
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

func runMigrateUp(ctx context.Context, e *env, args []string) error {
	url, err := migrationURL(e, "up", "migrate up", args)
	if err != nil {
		return err
	}
	applied, err := db.Migrate(ctx, url)
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
