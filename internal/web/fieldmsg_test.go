package web

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// serviceMessages collects the field messages the Go sources write: the
// format of every Add(field, "…") and fieldErr/invalid(field, "…") call and
// every FieldError{Message: "…"} literal under internal/, with each verb
// filled in by a sample value. A message built by "+" is taken up to the
// first variable, which is filled in the same way.
func serviceMessages(t *testing.T) map[string]string {
	t.Helper()
	sample := strings.NewReplacer("%d", "3", "%s", "2026-12-01", "%v", "x", "%q", `"x"`)
	out := map[string]string{}
	add := func(pos token.Position, e ast.Expr) {
		lit := ""
		switch x := e.(type) {
		case *ast.BasicLit:
			lit = x.Value
		case *ast.BinaryExpr:
			if l, ok := x.X.(*ast.BasicLit); ok && x.Op == token.ADD {
				s, _ := strconv.Unquote(l.Value)
				lit = strconv.Quote(s + "%s")
			}
		}
		if lit == "" || lit[0] != '"' {
			return
		}
		s, err := strconv.Unquote(lit)
		if err != nil || s == "" || !unicode.IsLower(rune(s[0])) {
			return
		}
		out[sample.Replace(s)] = fmt.Sprintf("%s:%d", pos.Filename, pos.Line)
	}
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				name := ""
				switch fn := x.Fun.(type) {
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				case *ast.Ident:
					name = fn.Name
				}
				if (name == "Add" || name == "fieldErr" || name == "invalid") && len(x.Args) >= 2 {
					add(fset.Position(x.Pos()), x.Args[1])
				}
			case *ast.CompositeLit:
				if sel, ok := x.Type.(*ast.SelectorExpr); !ok || sel.Sel.Name != "FieldError" {
					return true
				}
				for _, el := range x.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Message" {
							add(fset.Position(kv.Pos()), kv.Value)
						}
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Messages that reach a form but are not written as a literal field message:
// error texts passed on with %v, and examples with real numbers and dates.
var otherServiceMessages = []string{
	"must equal principal + interest (128,000.50 + 500.00 = 128,500.50)",
	"must be one of bank_transfer, cash, cheque, offset, other",
	"cannot be split into 3 installments of at least 0.01",
	"must not be before the agreement date 2026-12-01",
	"is a lawyer_letter, not an installment agreement",
	"must be at most 300 characters",
	"must list at most 50 items",
	"must be a whole number from 1 to 120",
}

var hanRE = regexp.MustCompile(`\p{Han}`)

// Every field message the services can return reads in Chinese on a zh-CN
// page, and English on an English one.
func TestFieldMessagesTranslated(t *testing.T) {
	msgs := serviceMessages(t)
	if len(msgs) < 80 {
		t.Fatalf("found only %d messages in the sources; is the walk broken?", len(msgs))
	}
	for _, m := range otherServiceMessages {
		msgs[m] = "otherServiceMessages"
	}
	zh, en := Msg{Lang: "zh-CN"}, Msg{Lang: "en"}
	for m, where := range msgs {
		if got := zh.Field(m); !hanRE.MatchString(got) {
			t.Errorf("%s: no Chinese for %q (got %q)", where, m, got)
		}
		if got := en.Field(m); hanRE.MatchString(got) {
			t.Errorf("%s: en page shows Chinese %q for %q", where, got, m)
		}
	}
}
