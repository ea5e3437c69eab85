package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"testing"

	"marquee/db/dbtest"
	"marquee/tenant/staff/sso/ssotest"
)

// workerChildEnv, when set, makes the test binary run `marquee worker`
// instead of the tests: TestAKilledWorkersJobIsSentByAnotherWithinAMinute starts it as a
// separate process it can kill.
const workerChildEnv = "MARQUEE_TEST_WORKER_CHILD"

func TestMain(m *testing.M) {
	ssotest.RunIfProvider() // the OpenID provider the hostile walk signs in with
	if os.Getenv(workerChildEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		e := &env{getenv: os.Getenv, stdout: os.Stdout, stderr: os.Stderr}
		if err := run(ctx, e, []string{"worker"}); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := dbtest.Main(m)
	removeBuiltBinary()
	os.Exit(code)
}
