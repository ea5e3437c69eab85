package db_test

import (
	"os"
	"testing"

	"marquee/db/dbtest"
)

func TestMain(m *testing.M) {
	if url := os.Getenv(replicaEnv); url != "" {
		os.Exit(runReplica(url))
	}
	os.Exit(dbtest.Main(m))
}
