package console

import (
	"os"
	"testing"

	"marquee/db/dbtest"
	"marquee/tenant/staff/sso/ssotest"
)

// TestMain runs the tests, or is the OpenID provider a test started
// (sso_test.go: ssotest runs this binary again as the provider).
func TestMain(m *testing.M) {
	ssotest.RunIfProvider()
	os.Exit(dbtest.Main(m))
}
