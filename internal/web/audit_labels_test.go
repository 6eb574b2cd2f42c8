package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/document"
	"github.com/dossier/dossier/internal/evidence"
	"github.com/dossier/dossier/internal/httpapi"
	"github.com/dossier/dossier/internal/indexer"
	"github.com/dossier/dossier/internal/recovery"
)

// Every audit action the code can record has a label in both languages on
// the audit page. The actions are read from where they are made: the
// routes the API and every optional page register on the one echo
// instance, and the operator's CLI commands in cmd/dossier; a new route or
// command without a label fails here.
func TestAuditActionsLabelled(t *testing.T) {
	actions := map[string]bool{}
	for _, a := range routeActions(t) {
		actions[a] = true
	}
	cli := cliActions(t)
	if len(cli) < 3 {
		t.Fatalf("found only %d CLI actions in cmd/dossier/user.go; is the walk broken?", len(cli))
	}
	for _, a := range cli {
		actions[a] = true
	}
	for _, must := range []string{"evidence.upload", "web.evidence.content", "web.audit.list", "user.password"} {
		if !actions[must] {
			t.Fatalf("the action %s was not found; is the walk broken? (found %d)", must, len(actions))
		}
	}
	zh, en := Msg{Lang: "zh-CN"}, Msg{Lang: "en"}
	for a := range actions {
		if got := zh.AuditAction(a); !hanRE.MatchString(got) {
			t.Errorf("action %s on a Chinese page: %q", a, got)
		}
		if got := en.AuditAction(a); hanRE.MatchString(got) || got == a {
			t.Errorf("action %s on an English page: %q", a, got)
		}
	}
	// A label for an action nothing records any more would mislead whoever
	// reads the table for what the trail can hold.
	for a := range auditActions {
		if !actions[a] {
			t.Errorf("label for %s, which no route or command records", a)
		}
	}
	// Requests no route serves are recorded as http.<method>.
	for _, m := range []string{"get", "post", "head", "put", "delete", "patch", "options"} {
		zhl, enl := zh.AuditAction("http."+m), en.AuditAction("http."+m)
		if !hanRE.MatchString(zhl) || !strings.Contains(zhl, strings.ToUpper(m)) ||
			hanRE.MatchString(enl) || !strings.Contains(enl, strings.ToUpper(m)) {
			t.Errorf("http.%s reads %q / %q", m, zhl, enl)
		}
	}
	if got := zh.AuditAction("future.action"); got != "future.action" {
		t.Errorf("an unknown action reads %q, want the code itself", got)
	}

	// Object types: an action's first part, or what a service notes.
	types := noteTypes(t)
	for a := range actions {
		typ, _, _ := strings.Cut(a, ".")
		types[typ] = true
	}
	types["http"] = true
	for typ := range types {
		if got := zh.AuditObject(typ); !hanRE.MatchString(got) && typ != "api" {
			t.Errorf("object type %s on a Chinese page: %q", typ, got)
		}
		if got := en.AuditObject(typ); hanRE.MatchString(got) {
			t.Errorf("object type %s on an English page: %q", typ, got)
		}
		if _, ok := auditObjects[typ]; !ok {
			t.Errorf("object type %s has no name", typ)
		}
	}
}

// The anonymous caller reads in the page's language; an account of any
// name, even "anonymous", keeps its name.
func TestAuditActorLabel(t *testing.T) {
	zh, en := Msg{Lang: "zh-CN"}, Msg{Lang: "en"}
	if got := zh.AuditActor("anonymous", ""); !hanRE.MatchString(got) {
		t.Errorf("anonymous on a Chinese page: %q", got)
	}
	if got := en.AuditActor("anonymous", ""); hanRE.MatchString(got) || !strings.Contains(got, "anonymous") {
		t.Errorf("anonymous on an English page: %q", got)
	}
	for _, c := range [][2]string{{"anonymous", "counsel"}, {"admin", "admin"}, {"(cli)", "operator"}} {
		if got := zh.AuditActor(c[0], c[1]); got != c[0] {
			t.Errorf("actor %s (%s) reads %q", c[0], c[1], got)
		}
	}
}

// routeActions registers the API and every page (each optional service
// present) on one echo instance, as cmd/dossier does, and returns the
// audit action of each route.
func routeActions(t *testing.T) []string {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	api := httpapi.New(&httpapi.Server{Log: log})
	// Registering only needs the services to be present.
	New(Config{Log: log, Evidence: &evidence.Vault{}, Documents: &document.Service{}, Bundles: &bundle.Service{},
		Recovery: &recovery.Service{}, Search: &indexer.Indexer{}, Audit: &audit.Trail{}}).Register(api.Echo)
	var out []string
	for _, a := range api.Actions() {
		out = append(out, a)
	}
	for _, r := range api.Echo.Routes() {
		if r.Name == "" || strings.Contains(r.Name, "/") || strings.Contains(r.Name, "(") {
			t.Fatalf("route %s %s has no action name (%q)", r.Method, r.Path, r.Name)
		}
		out = append(out, r.Name)
	}
	return out
}

// cliActions reads the audit actions of the operator's user commands from
// cmd/dossier/user.go (package main, which a test cannot import).
func cliActions(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../../cmd/dossier/user.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "userCommands" || len(vs.Values) != 1 {
			return true
		}
		ast.Inspect(vs.Values[0], func(n ast.Node) bool {
			kv, ok := n.(*ast.KeyValueExpr)
			if !ok {
				return true
			}
			cl, ok := kv.Value.(*ast.CompositeLit)
			if !ok || len(cl.Elts) == 0 {
				return true
			}
			first := cl.Elts[0]
			if f, ok := first.(*ast.KeyValueExpr); ok {
				first = f.Value
			}
			if lit, ok := first.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				out = append(out, s)
			}
			return false
		})
		return false
	})
	return out
}

// noteTypes reads the object types services note for the audit trail
// (dossier.Note(ctx, case, "type", id)) from the source under internal/.
func noteTypes(t *testing.T) map[string]bool {
	t.Helper()
	types := map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil || !strings.Contains(string(src), "Note(") {
			return err
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 4 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Note" {
				return true
			}
			if lit, ok := call.Args[2].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				types[s] = true
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(types) < 4 {
		t.Fatalf("found only %d noted object types; is the walk broken?", len(types))
	}
	return types
}
