package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"marquee"
	"marquee/branding"
	"marquee/db"
	"marquee/tenant"
	"marquee/themes"
)

func runTenant(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stdout, "Usage: marquee tenant create|list [flags]\n\n  create  provision an event (marquee tenant create --help)\n  list    list events (marquee tenant list --help)")
		if len(args) == 0 {
			return usageError{"tenant: say create or list"}
		}
		return nil
	}
	switch args[0] {
	case "create":
		return runTenantCreate(ctx, e, args[1:])
	case "list":
		return runTenantList(ctx, e, args[1:])
	}
	return usageError{fmt.Sprintf("tenant: unknown subcommand %q (create, list)", args[0])}
}

func runTenantCreate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "tenant create", "tenant create --slug SLUG --name NAME [--locale en] [--locales en,de]")
	slug := fs.String("slug", "", "the event's subdomain label: a-z, 0-9 and hyphens, 3 to 63 characters")
	name := fs.String("name", "", "the event's name, shown as its title until the branding is edited")
	locale := fs.String("locale", "en", "the event's default language")
	locales := fs.String("locales", "", "comma-separated languages the event offers (default: the --locale)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	t := tenant.Tenant{Slug: *slug, Name: strings.TrimSpace(*name), Status: tenant.StatusActive,
		DefaultLocale: *locale, Locales: splitList(*locales)}
	if len(t.Locales) == 0 {
		t.Locales = []string{t.DefaultLocale}
	}
	b := branding.Branding{Theme: "classic", Colours: branding.DefaultColours,
		Copy: map[string]branding.Copy{t.DefaultLocale: {Title: t.Name}}}
	database, err := openDB(ctx, e)
	if err != nil {
		return err
	}
	defer database.Close()
	created, err := database.CreateTenant(ctx, t, b)
	if err != nil {
		return flagError(err, map[string]string{"slug": "--slug", "name": "--name", "locale": "--locale/--locales"})
	}
	fmt.Fprintf(e.stdout, "created event %s (%s)\n", created.Slug, created.ID)
	if base := e.getenv("BASE_DOMAIN"); base != "" {
		fmt.Fprintf(e.stdout, "it answers at http://%s.%s\n", created.Slug, base)
	}
	return nil
}

func runTenantList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "tenant list", "tenant list [--json] [--limit N] [--after SLUG]")
	asJSON := fs.Bool("json", false, "print JSON, one array of events")
	limit := fs.Int("limit", 100, "how many events to list (1 to 1000)")
	after := fs.String("after", "", "list events whose slug sorts after this one (the next page)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *limit < 1 || *limit > 1000 {
		return usageError{"--limit: must be between 1 and 1000"}
	}
	database, err := openDB(ctx, e)
	if err != nil {
		return err
	}
	defer database.Close()
	list, err := database.ListTenants(ctx, *after, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		return printTenantsJSON(e, list)
	}
	return printTenantsTable(e, list, *limit)
}

type tenantJSON struct {
	ID            string    `json:"id"`
	Slug          string    `json:"slug"`
	Name          string    `json:"name"`
	Status        string    `json:"status"`
	DefaultLocale string    `json:"default_locale"`
	Locales       []string  `json:"locales"`
	CreatedAt     time.Time `json:"created_at"`
}

func printTenantsJSON(e *env, list []tenant.Tenant) error {
	out := make([]tenantJSON, 0, len(list))
	for _, t := range list {
		out = append(out, tenantJSON{t.ID.String(), t.Slug, t.Name, string(t.Status), t.DefaultLocale, t.Locales, t.CreatedAt.UTC()})
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func printTenantsTable(e *env, list []tenant.Tenant, limit int) error {
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "SLUG\tNAME\tSTATUS\tLOCALES\tCREATED")
	for _, t := range list {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", t.Slug, t.Name, t.Status, strings.Join(t.Locales, ","), t.CreatedAt.UTC().Format(time.DateOnly))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(list) == limit {
		fmt.Fprintf(e.stdout, "more: marquee tenant list --after %s\n", list[len(list)-1].Slug)
	}
	return nil
}

// openDB opens the application pool on DATABASE_URL.
func openDB(ctx context.Context, e *env) (*db.DB, error) {
	url := e.getenv("DATABASE_URL")
	if url == "" {
		return nil, fmt.Errorf("DATABASE_URL is required (the URL 'marquee dev' prints, or your database's)")
	}
	return db.Open(ctx, url, db.Options{MaxConns: 2})
}

// flagError turns a validation error into one English sentence naming the
// flag it is about.
func flagError(err error, flags map[string]string) error {
	if marquee.ErrorCode(err) == marquee.EINTERNAL {
		return err
	}
	tr, lerr := themes.Load()
	if lerr != nil {
		return err
	}
	msg := tr.Translations().T("en", marquee.ErrorMessage(err))
	if f, ok := flags[marquee.ErrorField(err)]; ok {
		return usageError{f + ": " + msg}
	}
	return usageError{msg}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
