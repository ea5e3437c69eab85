package edge_test

import (
	"os"
	"testing"

	"marquee/db/dbtest"
)

func TestMain(m *testing.M) {
	if os.Getenv(replicaEnv) != "" {
		os.Exit(runReplica()) // this binary, started by a test as another replica
	}
	code := dbtest.Main(m)
	stopSharedPebble()
	os.Exit(code)
}
