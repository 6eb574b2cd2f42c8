package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"
)

// Every reason and kind document.Readiness and document.Conditions can
// list reads in Chinese on a Chinese documents page (they were the
// service's English, and kinds such as debtor_address were shown raw):
// read from the document package's source, so a new one without a
// translation fails here.
func TestReadinessTranslated(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "../document/readiness.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	str := func(e ast.Expr) string {
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s, _ := strconv.Unquote(lit.Value)
			return s
		}
		return ""
	}
	var whys, kinds []string
	ast.Inspect(f, func(n ast.Node) bool {
		cl, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		switch typ := cl.Type.(type) {
		case *ast.Ident:
			switch typ.Name {
			case "need":
				if len(cl.Elts) == 4 {
					kinds = append(kinds, str(cl.Elts[0]))
					whys = append(whys, str(cl.Elts[3]))
				}
			case "Missing":
				for _, el := range cl.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						switch kv.Key.(*ast.Ident).Name {
						case "Why":
							whys = append(whys, str(kv.Value))
						case "Kind":
							kinds = append(kinds, str(kv.Value))
						}
					}
				}
			}
		}
		return true
	})
	if len(whys) < 9 || len(kinds) < 9 {
		t.Fatalf("found %d reasons and %d kinds in document/readiness.go; is the walk broken?", len(whys), len(kinds))
	}
	zh, en := Msg{Lang: "zh-CN"}, Msg{Lang: "en"}
	for _, w := range whys {
		if w == "" {
			continue // a copy of another need's reason (needAmount.why)
		}
		if _, ok := readinessWhy[w]; !ok {
			t.Errorf("no Chinese for the readiness reason %q", w)
		}
	}
	for _, k := range kinds {
		if k == "" {
			continue
		}
		if got := zh.Enum("readiness", k); !hanRE.MatchString(got) {
			t.Errorf("kind %s on a Chinese page: %q", k, got)
		}
		if got := en.Enum("readiness", k); got == k || hanRE.MatchString(got) {
			t.Errorf("kind %s on an English page: %q", k, got)
		}
	}
}
