package console

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// routeCalls lists where the package's code (tests aside) in dir adds a
// route or middleware: a call of Get, Post, Put, Patch, Delete or All
// with a path ("/…") first, and any call of Use or Group.
func routeCalls(t *testing.T, dir string) map[string][]string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	found := map[string][]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok && addsRoute(call) {
				found[filepath.Base(name)] = append(found[filepath.Base(name)], fset.Position(call.Pos()).String())
			}
			return true
		})
	}
	return found
}

func addsRoute(call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	switch sel.Sel.Name {
	case "Use", "Group":
		return true
	case "Get", "Post", "Put", "Patch", "Delete", "All":
		if len(call.Args) < 2 {
			return false
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return false
		}
		path, err := strconv.Unquote(lit.Value)
		return err == nil && strings.HasPrefix(path, "/")
	}
	return false
}

func TestTheConsoleRoutesAreOneList(t *testing.T) {
	t.Run("every route and middleware of the console is added in routes.go", func(t *testing.T) {
		found := routeCalls(t, ".")
		if len(found["routes.go"]) == 0 {
			t.Error("routes.go adds no route")
		}
		for file, calls := range found {
			if file != "routes.go" {
				t.Errorf("%s adds routes outside routes.go: %s", file, strings.Join(calls, ", "))
			}
		}
	})
}

// declaredIn is the file of dir that declares the type name, "" if none.
func declaredIn(t *testing.T, dir, name string) string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if obj := f.Scope.Lookup(name); obj != nil && obj.Kind == ast.Typ {
			return filepath.Base(file)
		}
	}
	return ""
}

func TestEachConsolePageIsInTheFileNamedForIt(t *testing.T) {
	for _, tc := range []struct{ rule, file, page string }{
		{"the orders list is in orders.go", "orders.go", "OrdersPage"},
		{"one order is in order.go", "order.go", "OrderDetailPage"},
		{"the supplier list is in suppliers.go", "suppliers.go", "SuppliersPage"},
		{"the supplier form is in supplierform.go", "supplierform.go", "SupplierForm"},
		{"dev's inbox is in inbox.go", "inbox.go", "InboxPage"},
		{"the failed jobs are in failedjobs.go", "failedjobs.go", "JobsPage"},
		{"the email previews are in emailpreviews.go", "emailpreviews.go", "EmailsPage"},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			if got := declaredIn(t, ".", tc.page); got != tc.file {
				t.Errorf("%s is declared in %q", tc.page, got)
			}
		})
	}
}
