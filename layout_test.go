package marquee_test

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// maxLines is the most lines a hand-written Go file may have: a file holds
// one resource or one action (STYLE.md, principle 12), and past this it
// holds several.
const maxLines = 500

// generated is the line Go's tools write at the top of generated code.
var generated = regexp.MustCompile(`^// Code generated .* DO NOT EDIT\.$`)

func TestSourceFilesStaySmall(t *testing.T) {
	t.Run("no Go file outside generated code, tests included, is over 500 lines", func(t *testing.T) {
		err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") {
				return nil
			}
			lines, isGenerated, err := countLines(path)
			if err != nil {
				return err
			}
			if !isGenerated && lines > maxLines {
				t.Errorf("%s has %d lines; split it by resource or action (at most %d)", path, lines, maxLines)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// countLines counts path's lines and says whether it is generated code.
func countLines(path string) (lines int, isGenerated bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		lines++
		if generated.MatchString(sc.Text()) {
			isGenerated = true
		}
	}
	return lines, isGenerated, sc.Err()
}

// topLevel is the design card's list of folders at the repository's root
// (DESIGN.md): anything new belongs inside one of them.
var topLevel = map[string]bool{
	"cmd": true, "tenant": true, "storefront": true, "branding": true, "db": true,
	"queries": true, "themes": true, "infra": true,
	"docs": true, "bench": true, // hidden folders (.ci, .github, .git) are tooling
}

func TestTopLevelFoldersAreTheDesignCards(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") && !topLevel[e.Name()] {
			t.Errorf("top-level folder %s/ is not on the design card; move it under cmd, tenant, storefront, branding, db, queries, themes or infra", e.Name())
		}
	}
}
