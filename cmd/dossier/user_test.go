package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
)

// runIn runs one dossier command in-process on the data directory, with
// extra settings.
func runIn(data string, env []string, stdin string, args ...string) (int, string) {
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, append([]string{"DOSSIER_DATA=" + data}, env...), strings.NewReader(stdin), &out, &errb)
	return code, out.String() + errb.String()
}

// operatorEvents returns the audit events the user commands appended to the
// store at url (the data directory's SQLite file when empty).
func operatorEvents(t *testing.T, data, url string) []*dossier.Event {
	t.Helper()
	if url == "" {
		url = filepath.Join(data, "dossier.db")
	}
	db, err := sqlstore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	evs, err := db.Events(context.Background(), dossier.AuditFilter{Actor: operatorActor})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// TestUserCommandsAudited: every user command, refused ones too, appends an
// audit event naming the operator, and the chain still verifies.
func TestUserCommandsAudited(t *testing.T) {
	data := t.TempDir()
	for _, tc := range []struct {
		stdin string
		args  []string
		ok    bool
	}{
		{"a very good password\n", []string{"user", "add", "li.lawyer", "admin"}, true},
		{"another good password\n", []string{"user", "passwd", "li.lawyer"}, true},
		{"", []string{"user", "disable", "li.lawyer"}, true},
		{"", []string{"user", "enable", "li.lawyer"}, true},
		{"", []string{"user", "list"}, true},
		{"another good password\n", []string{"user", "passwd", "nobody"}, false},
		// An account may be named cli; its events must not pass for the operator's.
		{"a third good password\n", []string{"user", "add", "cli", "counsel"}, true},
	} {
		if code, out := runIn(data, nil, tc.stdin, tc.args...); (code == 0) != tc.ok {
			t.Fatalf("%v: exit %d %s", tc.args, code, out)
		}
	}
	want := []struct{ action, detail string }{
		{"user.create", "username=li.lawyer role=admin"},
		{"user.password", "username=li.lawyer"},
		{"user.disable", "username=li.lawyer disabled=true"},
		{"user.enable", "username=li.lawyer disabled=false"},
		{"user.list", ""},
		{"user.password", "username=nobody; user not found"},
		{"user.create", "username=cli role=counsel"},
	}
	evs := operatorEvents(t, data, "")
	if len(evs) != len(want) {
		t.Fatalf("%d operator events, want %d", len(evs), len(want))
	}
	for i, ev := range evs {
		if ev.Action != want[i].action || ev.Actor != operatorActor || dossier.ValidUsername(ev.Actor) ||
			ev.Role != "operator" || !strings.HasPrefix(ev.Detail, want[i].detail) || !strings.Contains(ev.Detail, "os_user=") {
			t.Errorf("event %d: %s %s (%s) %q, want %s %q", i, ev.Action, ev.Actor, ev.Role, ev.Detail, want[i].action, want[i].detail)
		}
	}
	if evs[5].Status != 404 || evs[5].Outcome != dossier.OutcomeDenied {
		t.Errorf("refused passwd: status %d, outcome %s", evs[5].Status, evs[5].Outcome)
	}
	if code, out := runIn(data, nil, "", "audit", "verify"); code != 0 {
		t.Fatalf("audit verify after user commands: %d %s", code, out)
	}

	// The commands sign nothing, so they never make a signing key of their
	// own, which the server's /audit/verify would not trust.
	if _, err := os.Stat(filepath.Join(data, "audit-signing.key")); !os.IsNotExist(err) {
		t.Fatalf("the user commands made a signing key: %v", err)
	}
}

// TestOperatorEventSanitized: a user command's event is cleaned and cut as
// the server's Log cleans and cuts every event it stores.
func TestOperatorEventSanitized(t *testing.T) {
	note := &dossier.AuditNote{Detail: "username=a\x00b\xffc" + strings.Repeat("长", 10000)}
	ev := operatorEvent("user.password", note, time.Now(), nil)
	if !utf8.ValidString(ev.Detail) || strings.ContainsRune(ev.Detail, 0) || !strings.HasPrefix(ev.Detail, "username=a\uFFFDb\uFFFDc") {
		t.Fatalf("detail not cleaned: %.40q", ev.Detail)
	}
	if len(ev.Detail) > 8<<10 || !strings.HasSuffix(ev.Detail, "…") {
		t.Fatalf("detail of %d bytes not cut to the Log's 8 KiB", len(ev.Detail))
	}
}

// TestUserCommandWhileServing: an operator command appends to the chain a
// running server is appending to; both end up in one verifiable chain.
func TestUserCommandWhileServing(t *testing.T) {
	for _, meta := range []string{"sqlite", "postgres"} {
		t.Run(meta, func(t *testing.T) {
			data, env := t.TempDir(), crashEnv(t, meta, "disk")
			url := ""
			for _, kv := range env {
				if v, ok := strings.CutPrefix(kv, "DATABASE_URL="); ok {
					url = v
				}
			}
			p := start(t, data, env...)
			token := loginAdmin(t, p.url)
			var wg sync.WaitGroup
			stop := make(chan struct{})
			wg.Go(func() { // the server appends events all along
				for {
					select {
					case <-stop:
						return
					default:
					}
					req, _ := http.NewRequest("GET", p.url+"/api/v1/me", nil)
					req.Header.Set("Authorization", "Bearer "+token)
					if res, err := p.client.Do(req); err == nil {
						res.Body.Close()
					}
				}
			})
			for _, name := range []string{"op.one", "op.two", "op.three"} {
				if code, out := runIn(data, env, "a very good password\n", "user", "add", name, "counsel"); code != 0 {
					close(stop)
					wg.Wait()
					t.Fatalf("user add %s: %d %s", name, code, out)
				}
			}
			close(stop)
			wg.Wait()
			var rep struct {
				OK     bool   `json:"ok"`
				Events int64  `json:"events"`
				Reason string `json:"reason"`
			}
			if p.getJSON(t, "/api/v1/audit/verify", token, &rep); !rep.OK {
				t.Fatalf("/audit/verify after user commands beside the server: %+v", rep)
			}
			p.stop(t)
			if n := len(operatorEvents(t, data, url)); n != 3 {
				t.Fatalf("%d operator events, want 3", n)
			}
			if code, out := runIn(data, env, "", "audit", "verify"); code != 0 {
				t.Fatalf("audit verify: %d %s", code, out)
			}
		})
	}
}
