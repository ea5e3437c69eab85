package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"marquee/db"
	"marquee/tenant"
	"marquee/tenant/api"
	"marquee/tenant/edge"
	"marquee/tenant/provision"
)

// tenantCommands are the subcommands of marquee tenant, in help order.
var tenantCommands = []subcommand{
	{"create", "provision an event", runTenantCreate},
	{"list", "list events", runTenantList},
	{"show", "one event, its domains and their certificates", runTenantShow},
	{"rename", "change an event's name, and its title where the branding still shows the name", runTenantRename},
	{"close", "set when the shop stops taking orders (--at TIME, or --at none)", runTenantClose},
	{"suspend", "close an event's storefront for now (503)", runTenantState("suspend")},
	{"resume", "open a suspended or archived event again", runTenantState("resume")},
	{"archive", "end an event: read-only, its storefront says it has ended", runTenantState("archive")},
	{"delete", "delete an archived event and all its data (--confirm SLUG)", runTenantDelete},
}

// tenantFlags names the flag of each validated field, for error messages.
var tenantFlags = map[string]string{"slug": "--slug", "name": "--name", "locale": "--default-locale/--locales", "currency": "--currency",
	"starts_on": "--starts-on", "ends_on": "--ends-on", "closes_at": "--closes-at/--at", "owner": "--owner-email", "template": "--template",
	"confirm": "--confirm", "limit": "--limit", "hostname": "HOSTNAME"}

func runTenantCreate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "tenant create", "tenant create --slug SLUG --name NAME [--default-locale en] [--locales en,de] [--currency EUR] [--starts-on YYYY-MM-DD] [--ends-on YYYY-MM-DD] [--closes-at YYYY-MM-DDTHH:MM] [--owner-email EMAIL] [--template SLUG]")
	var spec provision.Spec
	// The flags are the API's field names (docs/api.md); the older names
	// still work, as deprecated aliases.
	fs.StringVar(&spec.Slug, "slug", "", "the event's subdomain label: a-z, 0-9 and hyphens, 3 to 63 characters")
	fs.StringVar(&spec.Name, "name", "", "the event's name, shown as its title until the branding is edited")
	fs.StringVar(&spec.DefaultLocale, "default-locale", "en", "the event's default language")
	locales := fs.String("locales", "", "comma-separated languages the event offers (default: the --default-locale)")
	fs.StringVar(&spec.Currency, "currency", "EUR", "ISO 4217 code of the event's prices")
	fs.StringVar(&spec.StartsOn, "starts-on", "", "the event's first day, YYYY-MM-DD")
	fs.StringVar(&spec.EndsOn, "ends-on", "", "the event's last day, YYYY-MM-DD")
	fs.StringVar(&spec.ClosesAt, "closes-at", "", "when the shop stops taking orders, YYYY-MM-DDTHH:MM in UTC (optional)")
	fs.StringVar(&spec.OwnerEmail, "owner-email", "", "invite this email address as the event's owner")
	fs.StringVar(&spec.Template, "template", "", "copy branding, products and order form from this event (its slug)")
	for old, name := range map[string]string{"locale": "default-locale", "starts": "starts-on", "ends": "ends-on", "closes": "closes-at", "owner": "owner-email", "from": "template"} {
		fs.Var(fs.Lookup(name).Value, old, "deprecated: use --"+name)
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	spec.Locales = splitList(*locales)
	cfg, err := cliConfig(e)
	if err != nil {
		return err
	}
	if strings.TrimSpace(spec.OwnerEmail) != "" {
		if err := needBaseDomain(cfg, "to print the owner's invitation link"); err != nil {
			return err
		}
	}
	return withProvisioner(ctx, e, func(svc *provision.Service, _ *db.DB) error {
		start := time.Now()
		created, err := svc.Create(ctx, spec)
		if created.Tenant == nil && err != nil {
			return refused(err)
		}
		printCreated(e, cfg, created, time.Since(start))
		if err != nil {
			return fmt.Errorf("the event exists, but inviting its owner failed: %w", refused(err))
		}
		if created.InviteLink != "" {
			fmt.Fprintf(e.stdout, "owner invitation for %s: %s\n", strings.TrimSpace(strings.ToLower(spec.OwnerEmail)), created.InviteLink)
		}
		return nil
	})
}

// printCreated says which event was created, how fast, and where it answers.
func printCreated(e *env, cfg Config, created provision.Created, took time.Duration) {
	fmt.Fprintf(e.stdout, "created event %s (%s) in %s\n", created.Tenant.Slug, created.Tenant.ID, took.Round(time.Millisecond))
	if cfg.BaseDomain != "" {
		fmt.Fprintf(e.stdout, "it answers at %s\n", cfg.siteURL(created.Tenant.Slug, ""))
	} else {
		fmt.Fprintf(e.stdout, "it answers at %s.BASE_DOMAIN (BASE_DOMAIN is not set here)\n", created.Tenant.Slug)
	}
}

// refused is the provisioning service's answer as a tenant or domain
// command reports it: nil stays nil, a refusal names the flag it is about.
func refused(err error) error {
	if err == nil {
		return nil
	}
	return flagError(err, tenantFlags)
}

// oneSlug reads the SLUG argument of a subcommand that names one event.
func oneSlug(fs *flag.FlagSet, args []string) (string, error) {
	slug, err := parseWithArg(fs, args)
	if err == nil && slug == "" {
		err = usageError{fs.Name() + ": say which event (its slug, see marquee tenant list)"}
	}
	return slug, err
}

func runTenantShow(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "tenant show", "tenant show SLUG [--json]")
	asJSON := fs.Bool("json", false, "print JSON")
	slug, err := oneSlug(fs, args)
	if err != nil {
		return err
	}
	return withProvisioner(ctx, e, func(svc *provision.Service, database *db.DB) error {
		t, err := svc.Get(ctx, slug)
		if err != nil {
			return refused(err)
		}
		doms, err := database.Domains(ctx, t.ID)
		if err != nil {
			return err
		}
		certs := certStates(ctx, e, database, t, doms)
		if *asJSON {
			return printTenantJSON(e, svc, t, doms, certs)
		}
		return printTenant(e, t, doms, certs)
	})
}

// printTenantJSON prints event t and its domains in the API's shapes.
func printTenantJSON(e *env, svc *provision.Service, t *tenant.Tenant, doms []tenant.Domain, certs map[string]string) error {
	out := struct {
		api.Event
		Domains []api.Domain `json:"domains"`
	}{api.EventOf(t, svc.BaseDomain), []api.Domain{}}
	for _, d := range doms {
		out.Domains = append(out.Domains, api.DomainOf(d, svc.Records(d), englishOr(d.LastError), certs[d.Hostname]))
	}
	return printJSON(e.stdout, out)
}

// printTenant writes event t as a table of its settings, then its custom
// domains with the state of each one's certificate.
func printTenant(e *env, t *tenant.Tenant, doms []tenant.Domain, certs map[string]string) error {
	w := newTable(e.stdout)
	fmt.Fprintf(w, "slug\t%s\nname\t%s\nstatus\t%s\nid\t%s\nlocales\t%s (default %s)\ncurrency\t%s\n", t.Slug, t.Name, t.Status, t.ID,
		strings.Join(t.Locales, ","), t.DefaultLocale, t.Currency)
	if t.StartsOn != nil || t.EndsOn != nil {
		fmt.Fprintf(w, "dates\t%s to %s\n", dateOrDash(t.StartsOn), dateOrDash(t.EndsOn))
	}
	fmt.Fprintf(w, "closes\t%s\n", timeOrDash(t.ClosesAt))
	if base := e.getenv("BASE_DOMAIN"); base != "" {
		fmt.Fprintf(w, "subdomain\t%s.%s\tcertificate: %s\n", t.Slug, base, certs[t.Slug+"."+base])
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(doms) == 0 {
		fmt.Fprintln(e.stdout, "no custom domains")
		return nil
	}
	w = newTable(e.stdout)
	fmt.Fprintln(w, "\nDOMAIN\tSTATE\tCHECKED\tCERTIFICATE\tLAST ERROR")
	for _, d := range doms {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", d.Hostname, d.State, timeOrDash(d.CheckedAt), certs[d.Hostname], englishOr(d.LastError))
	}
	return w.Flush()
}

func runTenantRename(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "tenant rename", "tenant rename SLUG --name NAME")
	name := fs.String("name", "", "the event's new name; it becomes the storefront's title in every language whose title was the old name")
	slug, err := oneSlug(fs, args)
	if err != nil {
		return err
	}
	return changeEvent(ctx, e, func(svc *provision.Service) (*tenant.Tenant, error) { return svc.Rename(ctx, slug, *name) },
		func(t *tenant.Tenant) string { return fmt.Sprintf("renamed %s to %q", t.Slug, t.Name) })
}

// changeEvent runs change with the provisioning service and prints what
// say makes of the changed event; a refusal names the flag it is about.
func changeEvent(ctx context.Context, e *env, change func(*provision.Service) (*tenant.Tenant, error), say func(*tenant.Tenant) string) error {
	return withProvisioner(ctx, e, func(svc *provision.Service, _ *db.DB) error {
		t, err := change(svc)
		if err != nil {
			return refused(err)
		}
		fmt.Fprintln(e.stdout, say(t))
		return nil
	})
}

func runTenantClose(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "tenant close", "tenant close SLUG --at YYYY-MM-DDTHH:MM|none")
	at := fs.String("at", "", "when the shop stops taking orders, in UTC; none: only when the event is archived")
	slug, err := oneSlug(fs, args)
	if err != nil {
		return err
	}
	if strings.TrimSpace(*at) == "" {
		return usageError{"--at: say when (YYYY-MM-DDTHH:MM in UTC), or none"}
	}
	return changeEvent(ctx, e, func(svc *provision.Service) (*tenant.Tenant, error) { return svc.SetClosesAt(ctx, slug, *at) },
		func(t *tenant.Tenant) string {
			if t.ClosesAt == nil {
				return t.Slug + " closes only when it is archived"
			}
			return t.Slug + " stops taking orders at " + timeOrDash(t.ClosesAt)
		})
}

// runTenantState returns the command that moves an event to another status.
func runTenantState(verb string) func(context.Context, *env, []string) error {
	return func(ctx context.Context, e *env, args []string) error {
		fs := newFlags(e, "tenant "+verb, "tenant "+verb+" SLUG")
		slug, err := oneSlug(fs, args)
		if err != nil {
			return err
		}
		return changeEvent(ctx, e, func(svc *provision.Service) (*tenant.Tenant, error) {
			do := map[string]func(context.Context, string) (*tenant.Tenant, error){"suspend": svc.Suspend, "resume": svc.Resume, "archive": svc.Archive}[verb]
			return do(ctx, slug)
		}, func(t *tenant.Tenant) string { return fmt.Sprintf("%s is now %s", t.Slug, t.Status) })
	}
}

func runTenantDelete(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "tenant delete", "tenant delete SLUG --confirm SLUG")
	confirm := fs.String("confirm", "", "repeat the slug: the event and all its data, personal data included, are deleted for good")
	slug, err := oneSlug(fs, args)
	if err != nil {
		return err
	}
	return withProvisioner(ctx, e, func(svc *provision.Service, _ *db.DB) error {
		if err := svc.Delete(ctx, slug, *confirm); err != nil {
			return refused(err)
		}
		fmt.Fprintf(e.stdout, "deleted %s and all its data\n", slug)
		return nil
	})
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
	return withProvisioner(ctx, e, func(svc *provision.Service, _ *db.DB) error {
		list, err := svc.List(ctx, *after, *limit)
		if err != nil {
			return err
		}
		if *asJSON {
			return printTenantsJSON(e, list, svc.BaseDomain)
		}
		return printTenantsTable(e, list, *limit)
	})
}

// printTenantsJSON prints list as one array of the API's events.
func printTenantsJSON(e *env, list []tenant.Tenant, baseDomain string) error {
	out := make([]api.Event, 0, len(list))
	for i := range list {
		out = append(out, api.EventOf(&list[i], baseDomain))
	}
	return printJSON(e.stdout, out)
}

func printTenantsTable(e *env, list []tenant.Tenant, limit int) error {
	w := newTable(e.stdout)
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

// certStates says, for each name of an event (its subdomain and custom
// domains), what the certificate storage holds. Without TLS=acme in the
// environment every name reads edge.NoTLS.
func certStates(ctx context.Context, e *env, database *db.DB, t *tenant.Tenant, doms []tenant.Domain) map[string]string {
	out := map[string]string{}
	names := []string{}
	if base := e.getenv("BASE_DOMAIN"); base != "" {
		names = append(names, t.Slug+"."+base)
	}
	for _, d := range doms {
		names = append(names, d.Hostname)
	}
	var ed *edge.Edge
	if cfg, err := configFromEnv(defaultConfig(), e.getenv); err == nil && cfg.TLS.Mode == "acme" {
		if built, err := newEdge(cfg, database, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), nil, nil); err == nil {
			defer built.Stop()
			ed = built
		}
	}
	for _, n := range names {
		out[n] = ed.CertState(ctx, n)
	}
	return out
}
