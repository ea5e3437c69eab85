// Command marquee is the whole platform in one binary: the server, the
// development environment, migrations and the ops commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"marquee"
	"marquee/themes"
)

// command is one command of the binary: its name, a one-line summary and
// either what it runs or, for a group (tenant, user …), its subcommands.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
	subs    []subcommand
}

// subcommand is one verb of a command group: marquee tenant create, …
type subcommand struct {
	name, summary string
	run           func(context.Context, *env, []string) error
}

// env is what a command may use from the outside world: the environment,
// standard output and standard error. Tests pass their own.
type env struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
}

var commands = []command{
	{name: "dev", summary: "run the whole product on this machine (throwaway Postgres, demo events)", run: runDev},
	{name: "serve", summary: "run the production server (configured by environment variables)", run: runServe},
	{name: "migrate", summary: "apply or list the database migrations", subs: migrateCommands},
	{name: "backup", summary: "back up, list, restore and prune backups of the database and its media", subs: backupCommands},
	{name: "worker", summary: "work the email jobs without serving HTTP (configured like serve)", run: runWorker},
	{name: "tenant", summary: "provision and manage events", subs: tenantCommands},
	{name: "domain", summary: "custom domains of an event", subs: domainCommands},
	{name: "token", summary: "JSON API tokens", subs: tokenCommands},
	{name: "user", summary: "staff accounts and invitations", subs: userCommands},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{getenv: os.Getenv, stdout: os.Stdout, stderr: os.Stderr}
	err := run(ctx, e, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "marquee:", err)
		os.Exit(exitCode(err))
	}
}

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

func run(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(e.stdout)
		if len(args) == 0 {
			return usageError{"no command given"}
		}
		return flag.ErrHelp
	}
	for _, c := range commands {
		switch {
		case c.name != args[0]:
		case c.subs != nil:
			return runGroup(ctx, e, c, args[1:])
		default:
			return c.run(ctx, e, args[1:])
		}
	}
	return usageError{fmt.Sprintf("unknown command %q (run marquee --help)", args[0])}
}

// isHelp reports whether arg asks for help rather than naming something.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: marquee COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary+subcommandList(c.subs))
	}
	fmt.Fprintln(w, "\nRun marquee COMMAND --help for a command's flags.")
}

// subcommandList is " (create, list, …)" for a group, "" for a command.
func subcommandList(subs []subcommand) string {
	if len(subs) == 0 {
		return ""
	}
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = s.name
	}
	return " (" + strings.Join(names, ", ") + ")"
}

// runGroup runs the subcommand of group c that args name, or prints the
// group's help.
func runGroup(ctx context.Context, e *env, c command, args []string) error {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprintf(e.stdout, "Usage: marquee %s SUBCOMMAND [flags]\n\n%s.\n\nSubcommands:\n", c.name, upperFirst(c.summary))
		for _, s := range c.subs {
			fmt.Fprintf(e.stdout, "  %-8s %s\n", s.name, s.summary)
		}
		fmt.Fprintf(e.stdout, "\nRun marquee %s SUBCOMMAND --help for its flags.\n", c.name)
		if len(args) == 0 {
			return usageError{fmt.Sprintf("%s: say which subcommand (marquee %s --help)", c.name, c.name)}
		}
		return flag.ErrHelp
	}
	for _, s := range c.subs {
		if s.name == args[0] {
			return s.run(ctx, e, args[1:])
		}
	}
	return usageError{fmt.Sprintf("%s: unknown subcommand %q%s", c.name, args[0], subcommandList(c.subs))}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// newFlags returns a flag set that reports errors instead of exiting and
// prints a usage line with the flags on --help.
func newFlags(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage: marquee %s\n\n", usage)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(e.stderr)
	}
	return fs
}

// parseFlags parses args; a bad flag is a usage error, --help is flag.ErrHelp
// (the flag set has printed the usage then, once).
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard) // we print the error ourselves, once
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	if err != nil {
		return usageError{fmt.Sprintf("%s: %v", fs.Name(), err)}
	}
	return nil
}

// parseWithArg parses a subcommand's flags around one positional argument
// (a slug, a hostname, an ID), which may come before or after them; ""
// when there is none.
func parseWithArg(fs *flag.FlagSet, args []string) (string, error) {
	var arg string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		arg, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return "", err
	}
	if arg == "" && fs.NArg() > 0 {
		arg = fs.Arg(0)
	}
	return arg, nil
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

// splitList is the items of a comma-separated list, trimmed, empty ones left out.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
