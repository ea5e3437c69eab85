package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"marquee/db"
)

func runMigrate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "migrate", "migrate up|status\n\n  up      apply every pending migration, each in its own transaction\n  status  list the migrations and whether each is applied\n\nDATABASE_URL must name the schema's owner or a superuser.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || (fs.Arg(0) != "up" && fs.Arg(0) != "status") {
		return usageError{"migrate: say up or status (marquee migrate --help)"}
	}
	url := e.getenv("DATABASE_URL")
	if url == "" {
		return fmt.Errorf("DATABASE_URL is required")
	}
	if fs.Arg(0) == "up" {
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
