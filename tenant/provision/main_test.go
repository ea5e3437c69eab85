package provision_test

import (
	"os"
	"testing"

	"marquee/db/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }
