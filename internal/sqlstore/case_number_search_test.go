package sqlstore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

// caseNumberSpellings: each q must list exactly the cases numbered (or with
// the contract numbered) want, however the number is spelled in q.
var caseNumberSpellings = []struct {
	q    string
	want []string
}{
	{"2026-HZ-0001", []string{"2026-HZ-0001"}},
	{"2026HZ0001", []string{"2026-HZ-0001"}},
	{"2026hz0001", []string{"2026-HZ-0001"}},
	{"2026 HZ 0001", []string{"2026-HZ-0001"}},
	{"2026－ＨＺ－０００１", []string{"2026-HZ-0001"}},
	{"（2026）京0105民初1234号", []string{"（2026）京0105民初1234号"}},
	{"(2026)京0105民初1234号", []string{"（2026）京0105民初1234号"}},
	{"2026京0105民初1234", []string{"（2026）京0105民初1234号"}},
	{"〔2026〕京0105民初1234号", []string{"（2026）京0105民初1234号"}},
	{"京0105民初1234", []string{"（2026）京0105民初1234号"}},
	// The contract number too.
	{"HT20260042", []string{"2026-HZ-0001"}},
	{"ht 2026 0042", []string{"2026-HZ-0001"}},
	// Matches the existing columns still do.
	{"宁波乙", []string{"（2026）京0105民初1234号", "2026-HZ-0001", "2026-HZ-0002", "（2026）京0105民初1235号"}},
	// Nothing to key: LIKE metacharacters stay literal.
	{"%", nil},
	{"_", nil},
}

// caseNumberSearchCases creates the cases the spellings are searched
// among: two to find and, one digit off each, two that must not be found.
func caseNumberSearchCases(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	ctx := context.Background()
	for i, n := range []string{"2026-HZ-0002", "（2026）京0105民初1235号", "2026-HZ-0001", "（2026）京0105民初1234号"} {
		c := newCase(n, dossier.NewDate(2026, 1, 1))
		c.Title = "货款纠纷"
		c.ContractNo = []string{"HT-2026-0043", "", "HT-2026-0042", "JK-7"}[i]
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
}

func checkCaseNumberSpellings(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	for _, tc := range caseNumberSpellings {
		items, total, _, err := db.ListCases(context.Background(), dossier.CaseFilter{Q: tc.q})
		if err != nil {
			t.Fatalf("q %q: %v", tc.q, err)
		}
		var got []string
		for _, c := range items {
			got = append(got, c.Number)
		}
		want := slices.Clone(tc.want)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) || total != len(want) {
			t.Errorf("q %q: got %q (total %d), want %q", tc.q, got, total, want)
		}
	}
}

func TestListCasesCaseNumberSpellings(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		caseNumberSearchCases(t, db)
		t.Run("OK", func(t *testing.T) { checkCaseNumberSpellings(t, db) })
		t.Run("Renumbered", func(t *testing.T) {
			ctx := context.Background()
			items, _, _, err := db.ListCases(ctx, dossier.CaseFilter{Q: "2026-HZ-0002"})
			if err != nil || len(items) != 1 {
				t.Fatalf("list: %v %v", items, err)
			}
			c := items[0]
			c.Number, c.ContractNo = "2026-SH-0077", "BZ-0099"
			if err := db.UpdateCase(ctx, c); err != nil {
				t.Fatal(err)
			}
			for q, want := range map[string]int{"2026SH0077": 1, "BZ0099": 1, "2026HZ0002": 0, "HT20260043": 0} {
				if _, total, _, err := db.ListCases(ctx, dossier.CaseFilter{Q: q}); err != nil || total != want {
					t.Errorf("after renumbering, q %q: total %d (%v), want %d", q, total, err, want)
				}
			}
		})
	})
}

// TestListCasesCaseNumberKeysFilled: cases stored before the keys existed
// (or by a binary that did not set them) get their keys when the store is
// opened, and are then found by every spelling.
func TestListCasesCaseNumberKeysFilled(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			url := testenv.StoreURL(t, backend)
			db := testenv.OpenStore(t, url)
			caseNumberSearchCases(t, db)
			if _, err := db.SQL().Exec(`UPDATE cases SET number_key = NULL, contract_no_key = NULL`); err != nil {
				t.Fatal(err)
			}
			// Without keys the separator-free spelling finds nothing: the
			// fill below is what this test checks.
			if _, total, _, err := db.ListCases(context.Background(), dossier.CaseFilter{Q: "2026HZ0001"}); err != nil || total != 0 {
				t.Fatalf("blanked keys: total %d, %v", total, err)
			}
			db.Close()
			checkCaseNumberSpellings(t, testenv.OpenStore(t, url))
		})
	}
}

// TestListCasesCaseNumberKeysMigrated: a store of the schema before the keys
// (migration 00012), holding a case, is upgraded by Open and the case is
// then found by every spelling of its number.
func TestListCasesCaseNumberKeysMigrated(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			url := testenv.StoreURL(t, backend)
			raw, _, p := rawDB(t, url, backend)
			if _, err := p.UpTo(ctx, 12); err != nil {
				t.Fatal(err)
			}
			for i, n := range []string{"2026-HZ-0001", "（2026）京0105民初1234号", "2026-HZ-0002", "（2026）京0105民初1235号"} {
				if _, err := raw.Exec(`INSERT INTO cases (id, number, title, creditor, debtor, creditor_name,
					debtor_name, principal, interest, currency, contract_no, due_date, stage, created_by, created_at,
					updated_at) VALUES ($1,$2,'货款纠纷','{}','{}','杭州甲公司','宁波乙贸易有限公司',100,0,'CNY',$3,
					'2026-01-01','negotiation','u1','2026-01-01T00:00:00.000000Z','2026-01-01T00:00:00.000000Z')`,
					dossier.NewID(), n, []string{"HT-2026-0042", "JK-7", "HT-2026-0043", ""}[i]); err != nil {
					t.Fatal(err)
				}
			}
			raw.Close()
			checkCaseNumberSpellings(t, testenv.OpenStore(t, url))
		})
	}
}
