package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"marquee/db"
	"marquee/tenant/api"

	"github.com/google/uuid"
)

// tokenCommands are the subcommands of marquee token, in help order.
var tokenCommands = []subcommand{
	{"create", "make a JSON API token with scopes (shown once)", runTokenCreate},
	{"list", "every token, revoked ones included", runTokenList},
	{"revoke", "end a token", runTokenRevoke},
}

func runTokenCreate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "token create", "token create --name NAME --scopes SCOPE[,SCOPE] [--event SLUG]")
	name := fs.String("name", "", "what the token is for (shown in token list)")
	scopes := fs.String("scopes", "", "comma-separated: "+strings.Join(api.Scopes, ", "))
	event := fs.String("event", "", "the slug of the one event the token reaches (default: a platform token, every event)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if n := strings.TrimSpace(*name); n == "" || len(n) > 100 {
		return usageError{"--name: say what the token is for (1 to 100 characters)"}
	}
	list, err := scopeList(*scopes)
	if err != nil {
		return err
	}
	return withDB(ctx, e, func(database *db.DB) error {
		var secret string
		var tok db.APIToken
		if *event == "" {
			secret, tok, err = database.CreateAPIToken(ctx, strings.TrimSpace(*name), list)
		} else {
			t, terr := database.TenantBySlug(ctx, strings.TrimSpace(*event))
			if terr != nil {
				return usageError{fmt.Sprintf("--event: no event %q (see marquee tenant list)", *event)}
			}
			secret, tok, err = database.CreateEventAPIToken(ctx, t.ID, strings.TrimSpace(*name), list, "")
		}
		if err != nil {
			return err
		}
		if tok.TenantID != nil {
			fmt.Fprintf(e.stdout, "for event %s only\n", strings.TrimSpace(*event))
		}
		fmt.Fprintf(e.stdout, "created token %s (%s) with %s\nsend it as Authorization: Bearer %s\nit is shown only now\n", tok.ID, tok.Name, strings.Join(tok.Scopes, ","), secret)
		return nil
	})
}

// scopeList reads --scopes: one or more of api.Scopes, comma-separated.
func scopeList(scopes string) ([]string, error) {
	list := splitList(scopes)
	if len(list) == 0 {
		return nil, usageError{"--scopes: name at least one of " + strings.Join(api.Scopes, ", ")}
	}
	for _, s := range list {
		if !slices.Contains(api.Scopes, s) {
			return nil, usageError{fmt.Sprintf("--scopes: %q is not a scope (%s)", s, strings.Join(api.Scopes, ", "))}
		}
	}
	return list, nil
}

func runTokenList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "token list", "token list")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withDB(ctx, e, func(database *db.DB) error {
		toks, err := database.APITokens(ctx)
		if err != nil {
			return err
		}
		w := newTable(e.stdout)
		fmt.Fprintln(w, "ID\tNAME\tEVENT\tSCOPES\tCREATED\tLAST USED\tREVOKED")
		for _, t := range toks {
			created, event := t.CreatedAt, "(platform)"
			if t.TenantID != nil {
				event = t.TenantID.String()
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, event, strings.Join(t.Scopes, ","), timeOrDash(&created), timeOrDash(t.LastUsedAt), timeOrDash(t.RevokedAt))
		}
		return w.Flush()
	})
}

func runTokenRevoke(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "token revoke", "token revoke ID")
	arg, err := parseWithArg(fs, args)
	if err != nil {
		return err
	}
	if arg == "" {
		return usageError{"token revoke: say which token (its ID, see marquee token list)"}
	}
	id, err := uuid.Parse(arg)
	if err != nil {
		return usageError{fmt.Sprintf("ID: %q is not a token ID (see marquee token list)", arg)}
	}
	return withDB(ctx, e, func(database *db.DB) error {
		if err := database.RevokeAPIToken(ctx, id); err != nil {
			return usageError{fmt.Sprintf("ID: no live token %s (see marquee token list)", id)}
		}
		fmt.Fprintf(e.stdout, "revoked %s\n", id)
		return nil
	})
}
