package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/google/uuid"
)

// apiScopes are what an API token may be allowed to do.
var apiScopes = []string{"events:read", "events:write", "domains:write"}

// tokenCommands are the subcommands of marquee token, in help order.
var tokenCommands = []subcommand{
	{"create", "make a JSON API token with scopes (shown once)", runTokenCreate},
	{"list", "every token, revoked ones included", runTokenList},
	{"revoke", "end a token", runTokenRevoke},
}

func runTokenCreate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "token create", "token create --name NAME --scopes SCOPE[,SCOPE]")
	name := fs.String("name", "", "what the token is for (shown in token list)")
	scopes := fs.String("scopes", "", "comma-separated: "+strings.Join(apiScopes, ", "))
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if n := strings.TrimSpace(*name); n == "" || len(n) > 100 {
		return usageError{"--name: say what the token is for (1 to 100 characters)"}
	}
	list := splitList(*scopes)
	if len(list) == 0 {
		return usageError{"--scopes: name at least one of " + strings.Join(apiScopes, ", ")}
	}
	for _, s := range list {
		if !containsString(apiScopes, s) {
			return usageError{fmt.Sprintf("--scopes: %q is not a scope (%s)", s, strings.Join(apiScopes, ", "))}
		}
	}
	database, err := openDB(ctx, e)
	if err != nil {
		return err
	}
	defer database.Close()
	secret, tok, err := database.CreateAPIToken(ctx, strings.TrimSpace(*name), list)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created token %s (%s) with %s\nsend it as Authorization: Bearer %s\nit is shown only now\n", tok.ID, tok.Name, strings.Join(tok.Scopes, ","), secret)
	return nil
}

func runTokenList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "token list", "token list")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	database, err := openDB(ctx, e)
	if err != nil {
		return err
	}
	defer database.Close()
	toks, err := database.APITokens(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tSCOPES\tCREATED\tLAST USED\tREVOKED")
	for _, t := range toks {
		created := t.CreatedAt
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, strings.Join(t.Scopes, ","), timeOrDash(&created), timeOrDash(t.LastUsedAt), timeOrDash(t.RevokedAt))
	}
	return w.Flush()
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
	database, err := openDB(ctx, e)
	if err != nil {
		return err
	}
	defer database.Close()
	if err := database.RevokeAPIToken(ctx, id); err != nil {
		return usageError{fmt.Sprintf("ID: no live token %s (see marquee token list)", id)}
	}
	fmt.Fprintf(e.stdout, "revoked %s\n", id)
	return nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
