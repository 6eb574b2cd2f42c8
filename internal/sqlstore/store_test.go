package sqlstore_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

func newCase(number string, due dossier.Date) *dossier.Case {
	now := time.Now().UTC()
	return &dossier.Case{Number: number, Title: "货款纠纷 " + number,
		Creditor:  dossier.Party{Name: "杭州甲公司", Kind: dossier.PartyCompany},
		Debtor:    dossier.Party{Name: "宁波乙贸易有限公司", Kind: dossier.PartyCompany, Aliases: []string{"乙贸易"}},
		Principal: 38650000, Currency: "CNY", ContractNo: "HT-2026-0042", DueDate: due,
		Stage: dossier.StageNegotiation, CreatedBy: "u1", CreatedAt: now, UpdatedAt: now}
}

func TestCases(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		today := dossier.NewDate(2026, 11, 25)
		c := newCase("2026-HZ-0001", today.AddDays(-95))
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		t.Run("OK", func(t *testing.T) {
			if err := db.CreateCase(ctx, c); err != nil {
				t.Fatal(err)
			}
			got, err := db.Case(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Number != c.Number || got.Principal != c.Principal || got.Debtor.Aliases[0] != "乙贸易" ||
				!got.DueDate.Equal(c.DueDate.Time) {
				t.Fatalf("round trip: got %+v", got)
			}
		})
		t.Run("ErrConflict", func(t *testing.T) {
			dup := newCase("2026-HZ-0001", today)
			if err := db.CreateCase(ctx, dup); dossier.ErrorCode(err) != dossier.ECONFLICT {
				t.Fatalf("duplicate number: got %v, want conflict", err)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			if _, err := db.Case(ctx, "nope"); dossier.ErrorCode(err) != dossier.ENOTFOUND {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("ListFilters", func(t *testing.T) {
			for i, days := range []int{5, 45, 70} {
				nc := newCase("2026-HZ-010"+string(rune('0'+i)), today.AddDays(-days))
				if err := db.CreateCase(ctx, nc); err != nil {
					t.Fatal(err)
				}
			}
			for b, want := range map[dossier.Bucket]int{"normal": 1, "attention": 1, "warning": 1, "danger": 1} {
				items, total, _, err := db.ListCases(ctx, dossier.CaseFilter{Bucket: b, Today: today})
				if err != nil || total != want || len(items) != want {
					t.Fatalf("bucket %s: %d items, total %d, err %v", b, len(items), total, err)
				}
				items[0].Compute(today)
				if items[0].Bucket != b {
					t.Fatalf("bucket %s: listed case computes as %s", b, items[0].Bucket)
				}
			}
			_, total, _, _ := db.ListCases(ctx, dossier.CaseFilter{Q: "0101"})
			if total != 1 {
				t.Fatalf("q filter total %d", total)
			}
			_, total, _, _ = db.ListCases(ctx, dossier.CaseFilter{Restricted: true, Visible: []string{c.ID}})
			if total != 1 {
				t.Fatalf("restricted total %d", total)
			}
			items, total, _, _ := db.ListCases(ctx, dossier.CaseFilter{Restricted: true})
			if total != 0 || len(items) != 0 {
				t.Fatal("restricted with nothing visible must list nothing")
			}
		})
		t.Run("Pagination", func(t *testing.T) {
			seen := map[string]bool{}
			cursor := ""
			for pages := 0; ; pages++ {
				items, total, next, err := db.ListCases(ctx, dossier.CaseFilter{Page: dossier.Page{Limit: 3, Cursor: cursor}})
				if err != nil || total != 4 {
					t.Fatalf("page: total %d err %v", total, err)
				}
				for _, it := range items {
					if seen[it.ID] {
						t.Fatal("case listed twice across pages")
					}
					seen[it.ID] = true
				}
				if next == "" {
					break
				}
				cursor = next
			}
			if len(seen) != 4 {
				t.Fatalf("saw %d cases", len(seen))
			}
			_, _, _, err := db.ListCases(ctx, dossier.CaseFilter{Page: dossier.Page{Cursor: "!!"}})
			if dossier.ErrorCode(err) != dossier.EINVALID {
				t.Fatalf("bad cursor: %v", err)
			}
		})
		t.Run("Communications", func(t *testing.T) {
			amt := dossier.Money(1000000)
			m := &dossier.Communication{CaseID: c.ID, OccurredAt: time.Now().UTC().Truncate(time.Microsecond),
				Channel: "phone", Summary: "承诺月底付款", PromiseAmount: &amt, CreatedAt: time.Now()}
			if err := m.Validate(time.Now()); err != nil {
				t.Fatal(err)
			}
			if err := db.AddCommunication(ctx, m); err != nil {
				t.Fatal(err)
			}
			bad := *m
			bad.ID, bad.CaseID = "", "missing"
			if err := db.AddCommunication(ctx, &bad); dossier.ErrorCode(err) != dossier.ENOTFOUND {
				t.Fatalf("communication on missing case: %v", err)
			}
			got, err := db.Communications(ctx, c.ID)
			if err != nil || len(got) != 1 || *got[0].PromiseAmount != amt || !got[0].OccurredAt.Equal(m.OccurredAt) {
				t.Fatalf("communications: %+v %v", got, err)
			}
		})
	})
}

func TestUsersTokensGrants(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		u := &dossier.User{Username: "lawfirm", Role: dossier.RoleExternal, PasswordHash: "x", CreatedAt: time.Now()}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateUser(ctx, &dossier.User{Username: "lawfirm", Role: dossier.RoleCounsel}); dossier.ErrorCode(err) != dossier.ECONFLICT {
			t.Fatalf("duplicate username: %v", err)
		}
		if _, err := db.UserByName(ctx, "nobody"); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Fatalf("missing user: %v", err)
		}
		exp := time.Now().Add(time.Hour).UTC().Truncate(time.Microsecond)
		if err := db.CreateToken(ctx, &dossier.Token{Hash: "h1", UserID: u.ID, CreatedAt: time.Now(), ExpiresAt: exp}); err != nil {
			t.Fatal(err)
		}
		if err := db.RevokeUserTokens(ctx, u.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		tok, err := db.TokenByHash(ctx, "h1")
		if err != nil || tok.RevokedAt == nil || !tok.ExpiresAt.Equal(exp) {
			t.Fatalf("token: %+v %v", tok, err)
		}
		c := newCase("G-1", dossier.NewDate(2026, 1, 1))
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := db.PutGrant(ctx, &dossier.Grant{CaseID: c.ID, UserID: u.ID, Access: "read", CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if err := db.PutGrant(ctx, &dossier.Grant{CaseID: c.ID, UserID: u.ID, Access: "write", CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		g, err := db.GrantsOfUser(ctx, u.ID)
		if err != nil || g[c.ID] != dossier.AccessWrite {
			t.Fatalf("grants: %v %v", g, err)
		}
		if err := db.PutGrant(ctx, &dossier.Grant{CaseID: "missing", UserID: u.ID, Access: "read"}); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Fatalf("grant on missing case: %v", err)
		}
		if err := db.DeleteGrant(ctx, c.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteGrant(ctx, c.ID, u.ID); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Fatalf("second delete: %v", err)
		}
	})
}

func TestEvidence(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCase("E-1", dossier.NewDate(2026, 1, 1))
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		e := &dossier.Evidence{CaseID: c.ID, Kind: "contract", Title: "买卖合同", Filename: "合同.pdf",
			MediaType: "application/pdf", Size: 10, SHA256: "aa", TextStatus: dossier.TextPending, CreatedAt: time.Now()}
		if err := db.CreateEvidence(ctx, e); err != nil {
			t.Fatal(err)
		}
		dup := *e
		dup.ID = ""
		if err := db.CreateEvidence(ctx, &dup); dossier.ErrorCode(err) != dossier.ECONFLICT {
			t.Fatalf("same content twice in a case: %v", err)
		}
		// Concurrent new versions: exactly one wins each number.
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				errs[i] = db.AddVersion(ctx, &dossier.EvidenceVersion{EvidenceID: e.ID, N: 2, Filename: "v2.pdf",
					MediaType: "application/pdf", Size: 11, SHA256: "bb", CreatedAt: time.Now()})
			}(i)
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if dossier.ErrorCode(err) != dossier.ECONFLICT {
				t.Fatalf("concurrent version: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d concurrent writers won version 2", ok)
		}
		vs, err := db.Versions(ctx, e.ID)
		if err != nil || len(vs) != 2 || vs[0].SHA256 != "aa" || vs[1].SHA256 != "bb" {
			t.Fatalf("versions: %+v %v", vs, err)
		}
		now := time.Now()
		if err := db.TombstoneEvidence(ctx, e.ID, now); err != nil {
			t.Fatal(err)
		}
		items, total, _, _ := db.ListEvidence(ctx, dossier.EvidenceFilter{CaseID: c.ID})
		if total != 0 || len(items) != 0 {
			t.Fatal("tombstoned evidence listed")
		}
		n := 0
		if err := db.ScanEvidence(ctx, func(*dossier.Evidence, *dossier.EvidenceVersion) error { n++; return nil }); err != nil || n != 2 {
			t.Fatalf("scan: %d %v", n, err)
		}
	})
}

func TestAuditAppendOnly(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		evs := []*dossier.Event{{Seq: 1, At: time.Now(), Actor: "admin", Action: "login", Hash: "h1"},
			{Seq: 2, At: time.Now(), Actor: "admin", Action: "case.read", PrevHash: "h1", Hash: "h2", Detail: "Hello"}}
		if err := db.AppendEvents(ctx, evs); err != nil {
			t.Fatal(err)
		}
		if err := db.AppendEvents(ctx, evs[1:]); dossier.ErrorCode(err) != dossier.ECONFLICT {
			t.Fatalf("seq reuse: %v", err)
		}
		if _, err := db.SQL().Exec(`UPDATE audit_events SET detail='x'`); err == nil {
			t.Fatal("UPDATE of audit events was allowed")
		}
		if _, err := db.SQL().Exec(`DELETE FROM audit_events`); err == nil {
			t.Fatal("DELETE of audit events was allowed")
		}
		got, err := db.Events(ctx, dossier.AuditFilter{Q: "hello", Action: "case."})
		if err != nil || len(got) != 1 || got[0].Seq != 2 {
			t.Fatalf("filtered events: %v %v", got, err)
		}
		last, err := db.LastEvent(ctx)
		if err != nil || last.Hash != "h2" {
			t.Fatalf("last: %v %v", last, err)
		}
	})
}

func TestDocuments(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCase("D-1", dossier.NewDate(2026, 1, 1))
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		d := &dossier.Document{CaseID: c.ID, Template: "lawyer_letter", Lang: "zh-CN", SHA256: "ab", Size: 10, Pages: 2,
			Fields: map[string]string{"law_firm": "浙江某律师事务所"}, CreatedAt: time.Now()}
		if err := db.CreateDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
		got, err := db.Document(ctx, d.ID)
		if err != nil || got.Fields["law_firm"] != "浙江某律师事务所" || got.Pages != 2 {
			t.Fatalf("document: %+v %v", got, err)
		}
		if _, err := db.Document(ctx, "nope"); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Fatalf("missing document: %v", err)
		}
		if err := db.CreateDocument(ctx, &dossier.Document{CaseID: "nope", Fields: map[string]string{}}); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Fatalf("document on a missing case: %v", err)
		}
		list, err := db.Documents(ctx, c.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("documents: %v %v", list, err)
		}
	})
}

// Events keep every character through a batch insert (on PostgreSQL the
// batch travels as arrays): quotes, commas, braces, backslashes, NULL-like
// words, empty strings, Chinese, newlines.
func TestAuditEventsRoundTrip(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		at := time.Date(2026, 12, 2, 3, 4, 5, 123456000, time.UTC) // stored to the microsecond
		odd := []string{`a "quoted", {braced} \back\slash`, "NULL", "", "张三 查看了 证据\n第二行", `{"k":"v,w"}`}
		var evs []*dossier.Event
		for i, s := range odd {
			// Every field distinct, so a column stored in another's place shows.
			evs = append(evs, &dossier.Event{Seq: int64(i + 1), At: at, Actor: "actor " + s, Role: "role " + s,
				Action: "action " + s, ObjectType: "type " + s, ObjectID: "object " + s, CaseID: "case " + s,
				IP: "ip " + s, UserAgent: "agent " + s, RequestID: "request " + s, Status: 200 + i,
				Outcome: "outcome " + s, Detail: s, Hash: "hash " + s, PrevHash: "prev " + s})
		}
		if err := db.AppendEvents(ctx, evs); err != nil {
			t.Fatal(err)
		}
		got, err := db.Events(ctx, dossier.AuditFilter{})
		if err != nil || len(got) != len(evs) {
			t.Fatalf("events: %d, %v", len(got), err)
		}
		for i, e := range got {
			want := *evs[i]
			if !e.At.Equal(want.At) {
				t.Errorf("event %d: at %v, want %v", i+1, e.At, want.At)
			}
			e.At = want.At
			if *e != want {
				t.Errorf("event %d:\n got %+v\nwant %+v", i+1, *e, want)
			}
		}
	})
}

// The pool keeps every connection it opened: a burst of as many concurrent
// queries as it allows closes none of them on release (each PostgreSQL
// connection is a process to start again).
func TestPoolKeepsConnections(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		pool := db.SQL()
		n := pool.Stats().MaxOpenConnections
		if n < 8 {
			t.Fatalf("pool allows %d connections", n)
		}
		conns := make([]*sql.Conn, n)
		for i := range conns {
			c, err := pool.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns[i] = c
		}
		for _, c := range conns {
			_ = c.Close() // back to the pool
		}
		if st := pool.Stats(); st.MaxIdleClosed != 0 || st.Idle != n {
			t.Fatalf("after a burst of %d: %d idle, %d closed for want of idle slots", n, st.Idle, st.MaxIdleClosed)
		}
	})
}
