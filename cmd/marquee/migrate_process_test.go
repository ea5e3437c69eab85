package main

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"

	"marquee/db/dbtest"
)

// Two pods start `marquee migrate up` at the same moment on a database
// with every migration pending: one applies each migration, the other
// waits for its advisory lock and then has nothing to apply.
func TestTwoMigrateUpProcessesApplyEachMigrationOnce(t *testing.T) {
	d := dbtest.NewEmpty(t)
	bin := marqueeBinary(t)
	outs := make([]string, 2)
	var wg sync.WaitGroup
	for i := range outs {
		cmd := exec.Command(bin, "migrate", "up")
		cmd.Env = append(os.Environ(), "DATABASE_URL="+d.OwnerURL)
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := cmd.CombinedOutput()
			outs[i] = string(out)
			if err != nil {
				t.Errorf("migrate up %d: %v\n%s", i, err, out)
			}
		}()
	}
	wg.Wait()
	applied := map[string]int{}
	for _, m := range regexp.MustCompile(`(?m)^applied (\S+)$`).FindAllStringSubmatch(strings.Join(outs, "\n"), -1) {
		applied[m[1]]++
	}
	files, err := os.ReadDir("../../db/migrations")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if applied[f.Name()] != 1 {
			t.Errorf("%s applied %d times, want once", f.Name(), applied[f.Name()])
		}
	}
	if !strings.Contains(outs[0]+outs[1], "nothing to apply") {
		t.Errorf("neither run found nothing to apply:\n%s\n---\n%s", outs[0], outs[1])
	}
}
