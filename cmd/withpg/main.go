// Command withpg runs a command with TEST_DATABASE_URL pointing at a
// throwaway PostgreSQL server, for `make test` on machines without one:
//
//	go run ./cmd/withpg -- go test ./...
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"marquee/db/throwaway"
)

const usage = `usage: withpg [--] command [argument ...]

Runs command with TEST_DATABASE_URL set to the superuser URL of a throwaway
PostgreSQL server, which is started for the run and removed afterwards.
When TEST_DATABASE_URL is already set, runs command against that database
instead, with the environment unchanged. Exits with the command's status.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process exit, so that tests can call it.
func run(args []string, stdout, stderr io.Writer) int {
	command, help, err := parseArgs(args)
	if help {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "withpg: %v\n\n%s", err, usage)
		return 2
	}
	// Registered before anything starts, so a Ctrl-C during server start
	// cannot kill us and strand the server.
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(signals)

	env, stopServer, err := testDatabaseEnv()
	if err != nil {
		fmt.Fprintf(stderr, "withpg: %v\n", err)
		return 1
	}
	code := runCommand(command, env, signals, stdout, stderr)
	if err := stopServer(); err != nil {
		fmt.Fprintf(stderr, "withpg: %v\n", err)
		code = max(code, 1)
	}
	return code
}

// parseArgs takes no flags besides help, so that everything after an
// optional "--" belongs to the command.
func parseArgs(args []string) (command []string, help bool, err error) {
	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help":
			return nil, true, nil
		case "--":
			args = args[1:]
		}
	}
	if len(args) == 0 {
		return nil, false, errors.New("no command given")
	}
	if strings.HasPrefix(args[0], "-") {
		return nil, false, fmt.Errorf("unknown flag %s (put the command after --)", args[0])
	}
	return args, false, nil
}

// testDatabaseEnv returns the command's environment and a function that
// releases whatever was started for it.
func testDatabaseEnv() (env []string, stop func() error, err error) {
	if os.Getenv("TEST_DATABASE_URL") != "" {
		return os.Environ(), func() error { return nil }, nil
	}
	// A separate context for the start, so an interrupt aborts initdb or
	// the readiness wait instead of waiting for them.
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()
	server, err := throwaway.Start(ctx, throwaway.Options{})
	if err != nil {
		return nil, nil, fmt.Errorf("start PostgreSQL: %w", err)
	}
	return append(os.Environ(), "TEST_DATABASE_URL="+server.AdminURL()), server.Stop, nil
}

// runCommand forwards SIGINT and SIGTERM because the command may have been
// signalled by kill rather than by the terminal, which signals the whole
// process group anyway.
func runCommand(command, env []string, signals <-chan os.Signal, stdout, stderr io.Writer) int {
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "withpg: %v\n", err)
		return 127
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	for {
		select {
		case sig := <-signals:
			_ = cmd.Process.Signal(sig) // fails only once the command has exited
		case err := <-waited:
			return exitCode(err)
		}
	}
}

// exitCode follows the shell's convention of 128+N for death by signal N,
// so that make and CI report an interrupted run as failed.
func exitCode(err error) int {
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		if err != nil {
			return 1
		}
		return 0
	}
	if status, ok := exitErr.Sys().(syscall.WaitStatus); ok && status.Signaled() {
		return 128 + int(status.Signal())
	}
	return exitErr.ExitCode()
}
