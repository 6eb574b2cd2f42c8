package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// Every reason audit.Verify can give for a broken chain reads in Chinese
// on a Chinese audit page: the formats are read from the audit package's
// source, so a new reason without a translation fails here.
func TestAuditReasonsTranslated(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "../audit/verify.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	sample := strings.NewReplacer("%d", "7", "%s", "x", "%v", "x", "%q", `"x"`)
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		call, ok := node.(*ast.CallExpr)
		if !ok || len(call.Args) < 2 {
			return true
		}
		if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "broken" {
			return true
		}
		lit, ok := call.Args[1].(*ast.BasicLit)
		if !ok {
			return true
		}
		format, _ := strconv.Unquote(lit.Value)
		msg := sample.Replace(format)
		n++
		zh, ok := translateFormat(auditReasons, msg)
		if !ok || !hanRE.MatchString(zh) || !strings.Contains(zh, "7") {
			t.Errorf("%s: no Chinese for the reason %q (got %q)", fset.Position(call.Pos()), msg, zh)
		}
		return true
	})
	if n < 5 {
		t.Fatalf("found only %d reasons in audit/verify.go; is the walk broken?", n)
	}
}

// The audit page names the role of every event's actor in the page's
// language, the operator's CLI commands ("(cli)", role operator) too.
func TestAuditRolesTranslated(t *testing.T) {
	zh, en := Msg{Lang: "zh-CN"}, Msg{Lang: "en"}
	for _, r := range []string{"admin", "counsel", "external", "auditor", "operator"} {
		if got := zh.Enum("role", r); !hanRE.MatchString(got) {
			t.Errorf("role %s on a Chinese page: %q", r, got)
		}
		if got := en.Enum("role", r); hanRE.MatchString(got) || got == r {
			t.Errorf("role %s on an English page: %q", r, got)
		}
	}
}
