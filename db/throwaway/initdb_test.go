package throwaway

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
)

func TestInitdbWithoutCUTF8FallsBackToNoLocale(t *testing.T) {
	// A stand-in initdb that behaves like one on a system without C.UTF-8.
	bin := persistentDir(t)
	writeScript(t, filepath.Join(bin, "initdb"), `for arg; do
  case $arg in
    --locale=C.UTF-8) echo 'initdb: error: invalid locale name "C.UTF-8"' >&2; exit 1 ;;
    --no-locale) mkdir -p "$2" && echo 15 > "$2/PG_VERSION"; exit ;;
  esac
done
exit 2`)
	dir := persistentDir(t)
	su, err := lookupServerUser()
	if err != nil {
		t.Fatal(err)
	}
	if err := prepareLayout(dir, su); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	if err := initCluster(context.Background(), bin, dir, su, slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
		t.Fatalf("initCluster: %v", err)
	}
	if !hasCluster(dir) {
		t.Error("no cluster after the --no-locale retry")
	}
	if !strings.Contains(logs.String(), "C.UTF-8 is not available") {
		t.Errorf("the fallback was not logged:\n%s", logs.String())
	}
}
