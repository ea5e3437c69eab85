package main

import (
	"bytes"
	"context"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestRunsCommandWithThrowawayServer(t *testing.T) {
	unsetEnv(t, "TEST_DATABASE_URL")
	report := filepath.Join(t.TempDir(), "url")
	code := run(helperCommand(t, "query", report), new(bytes.Buffer), new(bytes.Buffer))
	got := readReport(t, report)

	t.Run("the command's exit code is passed on", func(t *testing.T) {
		if code != 7 {
			t.Errorf("exit code %d, want 7 (the helper exits 7 after a successful query)", code)
		}
	})
	t.Run("TEST_DATABASE_URL is a superuser URL on 127.0.0.1", func(t *testing.T) {
		if !strings.HasPrefix(got, "postgres://postgres@127.0.0.1:") {
			t.Errorf("TEST_DATABASE_URL = %q", got)
		}
	})
	t.Run("the server is stopped afterwards", func(t *testing.T) {
		assertRefused(t, got)
	})
}

func TestBroughtDatabaseIsUsedUnchanged(t *testing.T) {
	const own = "postgres://someone@db.example:5432/theirs"
	t.Setenv("TEST_DATABASE_URL", own)
	report := filepath.Join(t.TempDir(), "url")
	if code := run(helperCommand(t, "report", report), new(bytes.Buffer), new(bytes.Buffer)); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	if got := readReport(t, report); got != own {
		t.Errorf("command saw TEST_DATABASE_URL=%q, want %q", got, own)
	}
}

func TestSignalIsForwardedAndServerStopped(t *testing.T) {
	unsetEnv(t, "TEST_DATABASE_URL")
	report := filepath.Join(t.TempDir(), "url")
	// Keeps SIGTERM from killing the test binary should it arrive before
	// run has registered its own handler.
	signal.Ignore(syscall.SIGTERM)
	defer signal.Reset(syscall.SIGTERM)
	done := make(chan int)
	go func() { done <- run(helperCommand(t, "await-term", report), new(bytes.Buffer), new(bytes.Buffer)) }()

	got := awaitReport(t, report, done)
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 42 {
			t.Errorf("exit code %d, want 42 (the helper's answer to SIGTERM)", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("run did not return after SIGTERM")
	}
	assertRefused(t, got)
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"--help prints usage", []string{"--help"}, 0, "usage: withpg", ""},
		{"-h prints usage", []string{"-h"}, 0, "usage: withpg", ""},
		{"no command is an error", []string{"--"}, 2, "", "withpg: no command given"},
		{"an unknown flag is an error", []string{"-v", "go"}, 2, "", "withpg: unknown flag -v"},
		{"a missing program exits 127", []string{"--", "no-such-program-withpg"}, 127, "", "withpg: exec:"},
	}
	t.Setenv("TEST_DATABASE_URL", "postgres://unused") // no server for these
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d", code, tt.wantCode)
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) || !strings.HasPrefix(stderr.String(), tt.wantStderr) {
				t.Errorf("stdout %q, stderr %q; want %q and %q", stdout.String(), stderr.String(), tt.wantStdout, tt.wantStderr)
			}
		})
	}
}

// TestHelperCommand is the command that run runs in these tests. It writes
// TEST_DATABASE_URL to a file, then acts as WITHPG_HELPER says.
func TestHelperCommand(t *testing.T) {
	mode := os.Getenv("WITHPG_HELPER")
	if mode == "" {
		return
	}
	dbURL := os.Getenv("TEST_DATABASE_URL")
	if err := os.WriteFile(os.Getenv("WITHPG_REPORT"), []byte(dbURL), 0o600); err != nil {
		os.Exit(3)
	}
	switch mode {
	case "query":
		os.Exit(queryExitCode(dbURL))
	case "await-term":
		terms := make(chan os.Signal, 1)
		signal.Notify(terms, syscall.SIGTERM)
		<-terms
		os.Exit(42)
	}
	os.Exit(0)
}

func queryExitCode(dbURL string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return 4
	}
	defer conn.Close(ctx)
	var one int
	if err := conn.QueryRow(ctx, "select 1").Scan(&one); err != nil || one != 1 {
		return 5
	}
	return 7
}

func helperCommand(t *testing.T, mode, report string) []string {
	t.Setenv("WITHPG_HELPER", mode)
	t.Setenv("WITHPG_REPORT", report)
	return []string{"--", os.Args[0], "-test.run=^TestHelperCommand$"}
}

func readReport(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the command left no report: %v", err)
	}
	return string(b)
}

// awaitReport waits until the command has written its report, which means
// the server is up and the command is running.
func awaitReport(t *testing.T, path string, done <-chan int) string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return string(b)
		}
		select {
		case code := <-done:
			t.Fatalf("run returned %d before the command reported", code)
		case <-deadline:
			t.Fatal("the command never reported")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func assertRefused(t *testing.T, dbURL string) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatalf("parse %q: %v", dbURL, err)
	}
	conn, err := net.DialTimeout("tcp", u.Host, time.Second)
	if err == nil {
		conn.Close()
		t.Errorf("%s still accepts connections after run returned", u.Host)
	}
}

// unsetEnv removes a variable for one test; t.Setenv first so that it is
// restored afterwards.
func unsetEnv(t *testing.T, key string) {
	t.Setenv(key, "")
	os.Unsetenv(key)
}
