package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"marquee/tenant"
	"marquee/tenant/domains"
)

func runDomain(ctx context.Context, e *env, args []string) error {
	usage := "Usage: marquee domain add|verify|remove|list --event SLUG [HOSTNAME]\n\n" +
		"  add     attach a custom hostname and print the DNS records to create\n" +
		"  verify  look the records up now and record the result\n" +
		"  remove  detach a hostname\n" +
		"  list    an event's hostnames and their states"
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stdout, usage)
		if len(args) == 0 {
			return usageError{"domain: say add, verify, remove or list"}
		}
		return nil
	}
	verb := args[0]
	switch verb {
	case "add", "verify", "remove", "list":
	default:
		return usageError{fmt.Sprintf("domain: unknown subcommand %q (add, verify, remove, list)", verb)}
	}
	fs := newFlags(e, "domain "+verb, "domain "+verb+" --event SLUG HOSTNAME")
	slug := fs.String("event", "", "the event's slug")
	// The hostname may come before or after the flags.
	rest := args[1:]
	var host string
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		host, rest = rest[0], rest[1:]
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if host == "" && fs.NArg() > 0 {
		host = fs.Arg(0)
	}
	if strings.TrimSpace(*slug) == "" {
		return usageError{"--event: say which event (its slug, see marquee tenant list)"}
	}
	if verb != "list" && strings.TrimSpace(host) == "" {
		return usageError{"HOSTNAME: say which hostname, e.g. shop.example.org"}
	}
	svc, database, err := provisioner(ctx, e)
	if err != nil {
		return err
	}
	defer database.Close()
	switch verb {
	case "add":
		d, records, err := svc.AddDomain(ctx, *slug, host)
		if err != nil {
			return flagError(err, tenantFlags)
		}
		fmt.Fprintf(e.stdout, "added %s to %s (pending). Create these DNS records, then run marquee domain verify --event %s %s:\n", d.Hostname, *slug, *slug, d.Hostname)
		return printRecords(e, records)
	case "verify":
		d, err := svc.VerifyDomain(ctx, *slug, strings.ToLower(strings.TrimSpace(host)))
		if err != nil {
			return flagError(err, tenantFlags)
		}
		if d.State != tenant.DomainVerified {
			return fmt.Errorf("%s is not verified: %s", d.Hostname, englishOr(d.LastError))
		}
		fmt.Fprintf(e.stdout, "%s is verified and serves %s\n", d.Hostname, *slug)
		return nil
	case "remove":
		if err := svc.RemoveDomain(ctx, *slug, strings.ToLower(strings.TrimSpace(host))); err != nil {
			return flagError(err, tenantFlags)
		}
		fmt.Fprintf(e.stdout, "removed %s from %s\n", host, *slug)
		return nil
	}
	doms, err := svc.Domains(ctx, *slug)
	if err != nil {
		return flagError(err, tenantFlags)
	}
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "DOMAIN\tSTATE\tCHECKED\tLAST ERROR")
	for _, d := range doms {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", d.Hostname, d.State, timeOrDash(d.CheckedAt), englishOr(d.LastError))
	}
	return w.Flush()
}

func printRecords(e *env, records []domains.Record) error {
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "TYPE\tNAME\tVALUE")
	for _, r := range records {
		fmt.Fprintf(w, "%s\t%s\t%s\n", r.Type, r.Name, r.Value)
	}
	return w.Flush()
}
