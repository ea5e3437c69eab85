package main

import (
	"context"
	"fmt"
	"strings"

	"marquee/db"
	"marquee/tenant"
	"marquee/tenant/domains"
	"marquee/tenant/provision"
)

// domainCommands are the subcommands of marquee domain, in help order.
var domainCommands = []subcommand{
	{"add", "attach a custom hostname and print the DNS records to create", runDomainAdd},
	{"verify", "look the records up now and record the result", runDomainVerify},
	{"remove", "detach a hostname", runDomainRemove},
	{"list", "an event's hostnames and their states", runDomainList},
}

// domainArgs parses --event SLUG and, unless verb is list, the HOSTNAME.
func domainArgs(e *env, verb string, args []string) (slug, host string, err error) {
	usage := "domain " + verb + " --event SLUG HOSTNAME"
	if verb == "list" {
		usage = "domain list --event SLUG"
	}
	fs := newFlags(e, "domain "+verb, usage)
	event := fs.String("event", "", "the event's slug")
	host, err = parseWithArg(fs, args)
	if err != nil {
		return "", "", err
	}
	if strings.TrimSpace(*event) == "" {
		return "", "", usageError{"--event: say which event (its slug, see marquee tenant list)"}
	}
	if verb != "list" && strings.TrimSpace(host) == "" {
		return "", "", usageError{"HOSTNAME: say which hostname, e.g. shop.example.org"}
	}
	return *event, strings.TrimSpace(host), nil
}

func runDomainAdd(ctx context.Context, e *env, args []string) error {
	slug, host, err := domainArgs(e, "add", args)
	if err != nil {
		return err
	}
	cfg, err := cliConfig(e)
	if err != nil {
		return err
	}
	// Without the platform's domain the hostname cannot be checked against
	// it, nor the CNAME record named (DOMAIN_CNAME defaults to edge.BASE_DOMAIN).
	if err := needBaseDomain(cfg, "to check the hostname and name the CNAME record it must point at"); err != nil {
		return err
	}
	return withProvisioner(ctx, e, func(svc *provision.Service, _ *db.DB) error {
		d, records, err := svc.AddDomain(ctx, slug, host)
		if err != nil {
			return refused(err)
		}
		fmt.Fprintf(e.stdout, "added %s to %s (pending). Create these DNS records, then run marquee domain verify --event %s %s:\n", d.Hostname, slug, slug, d.Hostname)
		return printRecords(e, records)
	})
}

func runDomainVerify(ctx context.Context, e *env, args []string) error {
	slug, host, err := domainArgs(e, "verify", args)
	if err != nil {
		return err
	}
	return withProvisioner(ctx, e, func(svc *provision.Service, _ *db.DB) error {
		d, err := svc.VerifyDomain(ctx, slug, strings.ToLower(host))
		if err != nil {
			return refused(err)
		}
		if d.State != tenant.DomainVerified {
			return fmt.Errorf("%s is not verified: %s", d.Hostname, englishOr(d.LastError))
		}
		fmt.Fprintf(e.stdout, "%s is verified and serves %s\n", d.Hostname, slug)
		return nil
	})
}

func runDomainRemove(ctx context.Context, e *env, args []string) error {
	slug, host, err := domainArgs(e, "remove", args)
	if err != nil {
		return err
	}
	return withProvisioner(ctx, e, func(svc *provision.Service, _ *db.DB) error {
		if err := svc.RemoveDomain(ctx, slug, strings.ToLower(host)); err != nil {
			return refused(err)
		}
		fmt.Fprintf(e.stdout, "removed %s from %s\n", host, slug)
		return nil
	})
}

func runDomainList(ctx context.Context, e *env, args []string) error {
	slug, _, err := domainArgs(e, "list", args)
	if err != nil {
		return err
	}
	return withProvisioner(ctx, e, func(svc *provision.Service, _ *db.DB) error {
		doms, err := svc.Domains(ctx, slug)
		if err != nil {
			return refused(err)
		}
		w := newTable(e.stdout)
		fmt.Fprintln(w, "DOMAIN\tSTATE\tCHECKED\tLAST ERROR")
		for _, d := range doms {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", d.Hostname, d.State, timeOrDash(d.CheckedAt), englishOr(d.LastError))
		}
		return w.Flush()
	})
}

func printRecords(e *env, records []domains.Record) error {
	w := newTable(e.stdout)
	fmt.Fprintln(w, "TYPE\tNAME\tVALUE")
	for _, r := range records {
		fmt.Fprintf(w, "%s\t%s\t%s\n", r.Type, r.Name, r.Value)
	}
	return w.Flush()
}
