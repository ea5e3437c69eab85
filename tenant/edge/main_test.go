package edge_test

import (
	"os"
	"testing"

	"marquee/db/dbtest"
	"marquee/tenant/edge/pebbletest"
)

func TestMain(m *testing.M) {
	if os.Getenv(replicaEnv) != "" {
		os.Exit(runReplica()) // this binary, started by a test as another replica
	}
	code := dbtest.Main(m)
	pebbletest.StopShared()
	os.Exit(code)
}
