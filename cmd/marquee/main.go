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
	"syscall"
)

// command is one subcommand: its name, a one-line summary and what it runs.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what a command may use from the outside world: the environment,
// standard output and standard error. Tests pass their own.
type env struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
}

var commands = []command{
	{"dev", "run the whole product on this machine (throwaway Postgres, demo events)", runDev},
	{"serve", "run the production server (configured by environment variables)", runServe},
	{"migrate", "apply or list the database migrations (up, status)", runMigrate},
	{"worker", "work the email jobs without serving HTTP (configured like serve)", runWorker},
	{"tenant", "provision and manage events (create, list, show, rename, suspend, resume, archive, delete)", runTenant},
	{"domain", "custom domains of an event (add, verify, remove, list)", runDomain},
	{"token", "JSON API tokens (create, list, revoke)", runToken},
	{"user", "create staff accounts (create)", runUser},
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
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	return usageError{fmt.Sprintf("unknown command %q (run marquee --help)", args[0])}
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: marquee COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun marquee COMMAND --help for a command's flags.")
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

// parseFlags parses args; a bad flag is a usage error, --help is flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard) // we print the error ourselves, once
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return err
	}
	if err != nil {
		return usageError{fmt.Sprintf("%s: %v", fs.Name(), err)}
	}
	return nil
}
