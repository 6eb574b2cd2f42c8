package indexer_test

import (
	"context"
	"html"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/search"
)

// An outside firm's snippets mask phone and ID numbers however the
// highlighter marked them: a search for part of a number (1234 of
// 138 1234 5678) put a <mark> inside it, and the number was shown whole.
// Escaped quotes around numbers keep them masked.
func TestSearchSnippetsMaskedForOutsideFirm(t *testing.T) {
	f := newFixture(t, t.TempDir()+"/meta.db")
	ctx := context.Background()
	e := f.add(t, "chat", "微信记录", "chat.txt", "text/plain; charset=utf-8",
		[]byte("债务人电话 138 1234 5678，备用'13912345678'，身份证'330102199003071234'，承诺1234元"), "")
	if err := f.ix.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer f.ix.Close(ctx)
	f.settle(t, e.ID)

	firm := &dossier.Actor{User: &dossier.User{Role: dossier.RoleExternal},
		Grants: map[string]dossier.Access{f.c.ID: dossier.AccessRead}}
	for _, q := range []string{"1234", "承诺", "138"} {
		res, err := f.ix.Search(ctx, firm, search.Query{Q: q})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || len(res.Items[0].Highlights) == 0 {
			t.Fatalf("%s: %+v", q, res)
		}
		for _, h := range res.Items[0].Highlights {
			if !strings.Contains(h, "<mark>") {
				t.Errorf("%s: the mask dropped the marks: %s", q, h)
			}
			text := html.UnescapeString(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(h))
			for _, leak := range []string{"1234 5678", "13912345678", "19900307"} {
				if strings.Contains(text, leak) {
					t.Errorf("%s: snippet shows %q to an outside firm: %s", q, leak, h)
				}
			}
			for _, want := range []string{"138 **** 5678", "139****5678", "330102********1234", "承诺1234元"} {
				if !strings.Contains(text, want) {
					t.Errorf("%s: snippet lacks %q: %s", q, want, h)
				}
			}
		}
	}
	// Counsel sees the numbers.
	counsel := &dossier.Actor{User: &dossier.User{Role: dossier.RoleCounsel}}
	res, err := f.ix.Search(ctx, counsel, search.Query{Q: "1234"})
	if err != nil || res.Total != 1 || !strings.Contains(res.Items[0].Highlights[0], "138 <mark>1234</mark> 5678") {
		t.Fatalf("counsel: %+v %v", res, err)
	}
}

// A snippet cut through an ID or phone number (the highlighter's "…" in
// the middle of it) shows an outside firm none of its digits next to the
// cut: MaskText knows such numbers only whole, and the part the snippet
// kept was shown as it is.
func TestSearchSnippetCutThroughNumberMasked(t *testing.T) {
	f := newFixture(t, t.TempDir()+"/meta.db")
	ctx := context.Background()
	filler := func(n int) string { return strings.Repeat("款", n) }
	// The snippet is the 200 characters from the match at the start: it
	// ends 10 digits into the ID number. Matched at the end, it starts
	// 198 characters before the match: inside the phone number.
	head := f.add(t, "chat", "微信记录", "head.txt", "text/plain; charset=utf-8",
		[]byte("承诺"+filler(185)+"身份证330102199003071234"+filler(50)), "")
	tail := f.add(t, "chat", "短信记录", "tail.txt", "text/plain; charset=utf-8",
		[]byte(filler(50)+"电话13912345678"+filler(191)+"保证"), "")
	if err := f.ix.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer f.ix.Close(ctx)
	f.settle(t, head.ID)
	f.settle(t, tail.ID)

	firm := &dossier.Actor{User: &dossier.User{Role: dossier.RoleExternal},
		Grants: map[string]dossier.Access{f.c.ID: dossier.AccessRead}}
	for _, tc := range []struct{ q, leak string }{{"承诺", "1990"}, {"保证", "2345678"}} {
		res, err := f.ix.Search(ctx, firm, search.Query{Q: tc.q})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || len(res.Items[0].Highlights) == 0 {
			t.Fatalf("%s: %+v", tc.q, res)
		}
		h := res.Items[0].Highlights[0]
		text := html.UnescapeString(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(h))
		if !strings.Contains(h, "<mark>") || !strings.Contains(text, "…") {
			t.Fatalf("%s: the test needs a cut snippet: %s", tc.q, h)
		}
		if strings.Contains(text, tc.leak) || !strings.Contains(text, "**") {
			t.Errorf("%s: snippet shows the digits of a cut number: %s", tc.q, text)
		}
	}
}
