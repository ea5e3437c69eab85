package marquee_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// testSupport are the packages only tests import: the shared test client
// of the pages and the test databases with their rows (docs/decisions.md,
// issue 12).
var testSupport = []string{"marquee/tenant/web/webtest", "marquee/db/dbtest"}

// TestTestSupportStaysOutOfProduction: the shared test support is made of
// ordinary Go files so that every package's tests can import it; none of
// the platform's own code does, only tests and other test-support
// packages (a folder whose name ends in "test", such as browsertest).
func TestTestSupportStaysOutOfProduction(t *testing.T) {
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
			strings.HasSuffix(filepath.Dir(path), "test") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			for _, ts := range testSupport {
				if p == ts {
					t.Errorf("%s imports %s, which only tests may import", path, p)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d production files checked: the walk missed the tree", checked)
	}
}
