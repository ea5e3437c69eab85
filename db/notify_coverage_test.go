package db_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"marquee/db/dbtest"
)

// writesCachedTable matches a statement that changes a table whose rows
// the replicas cache: the resolver's (tenants, domains) and the sites'
// (brandings, storefront_settings, products, variants, form_fields).
var writesCachedTable = regexp.MustCompile(`(?is)\b(insert\s+into|update|delete\s+from)\s+(tenants|domains|brandings|storefront_settings|products|variants|form_fields)\b`)

// changing are the calls that tell the replicas of a change in their
// transaction (docs/scaling.md).
var changing = []string{"inTenantChange", "InTenantChanging", "TenantChanged"}

// TestEveryWriteOfCachedDataTellsTheReplicas: no trigger notifies the
// replicas (migration 00024), so every function of package db that runs a
// statement changing a cached table, through a generated query or its own
// SQL, must tell them in the same transaction, or be called only by
// functions that do; a generated query that sends its own notification
// (the stock statements) needs nothing more. A new write path that
// forgets fails here, naming the function and the statement.
func TestEveryWriteOfCachedDataTellsTheReplicas(t *testing.T) {
	writes, selfNotifying := cachedWrites(t)
	if len(writes) < 20 || len(selfNotifying) < 3 {
		t.Fatalf("found %d generated queries that change cached tables and %d that notify: the queries folder moved?", len(writes), len(selfNotifying))
	}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	funcs := map[string]*ast.FuncDecl{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok {
				funcs[fn.Name.Name] = fn
			}
		}
	}
	calls := map[string][]string{}   // function → the functions it calls
	offending := map[string]string{} // function → a write it makes
	for name, fn := range funcs {
		ast.Inspect(fn, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				calls[name] = append(calls[name], n.Sel.Name)
				if writes[n.Sel.Name] && !selfNotifying[n.Sel.Name] {
					offending[name] = "the query " + n.Sel.Name
				}
			case *ast.Ident:
				calls[name] = append(calls[name], n.Name)
			case *ast.BasicLit:
				if s, err := strconv.Unquote(n.Value); err == nil && n.Kind == token.STRING && writesCachedTable.MatchString(s) {
					offending[name] = "the statement " + strconv.Quote(s)
				}
			}
			return true
		})
	}
	var covered func(name string, seen []string) bool
	covered = func(name string, seen []string) bool {
		if slices.ContainsFunc(changing, func(c string) bool { return slices.Contains(calls[name], c) }) {
			return true
		}
		var callers []string
		for caller, callees := range calls {
			if caller != name && slices.Contains(callees, name) {
				callers = append(callers, caller)
			}
		}
		if len(callers) == 0 || slices.Contains(seen, name) {
			return false
		}
		for _, c := range callers {
			if !covered(c, append(seen, name)) {
				return false
			}
		}
		return true
	}
	for name, write := range offending {
		if !covered(name, nil) {
			t.Errorf("%s runs %s, which changes what replicas cache, but neither it nor all its callers tell them (%s)", name, write, strings.Join(changing, ", "))
		}
	}
}

// cachedWrites reads queries/*.sql: the generated queries that change a
// cached table, and those of them that send their own notification.
func cachedWrites(t *testing.T) (writes, selfNotifying map[string]bool) {
	t.Helper()
	files, _ := filepath.Glob("../queries/*.sql")
	writes, selfNotifying = map[string]bool{}, map[string]bool{}
	name := regexp.MustCompile(`(?m)^-- name: (\w+) :\w+$`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		heads := name.FindAllStringSubmatchIndex(src, -1)
		for i, h := range heads {
			end := len(src)
			if i+1 < len(heads) {
				end = heads[i+1][0]
			}
			q, body := src[h[2]:h[3]], src[h[1]:end]
			if writesCachedTable.MatchString(body) {
				writes[q] = true
				selfNotifying[q] = strings.Contains(body, "pg_notify('tenant_changed'")
			}
		}
	}
	for q, ok := range selfNotifying {
		if !ok {
			delete(selfNotifying, q)
		}
	}
	return writes, selfNotifying
}

// TestNoTriggerNotifies: what the replicas hear comes from the
// application; a trigger that notifies (on a distributed table it would
// run on a worker node) must not come back.
func TestNoTriggerNotifies(t *testing.T) {
	conn, err := pgx.Connect(context.Background(), dbtest.New(t).AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(context.Background(), `
		SELECT tg.tgrelid::regclass || '.' || tg.tgname FROM pg_trigger tg JOIN pg_proc p ON p.oid = tg.tgfoid
		WHERE NOT tg.tgisinternal AND p.prosrc ILIKE '%notify%'`)
	if err != nil {
		t.Fatal(err)
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(found) > 0 {
		t.Errorf("triggers that notify: %v", found)
	}
}
