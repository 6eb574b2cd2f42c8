package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// TestCommunicationFormRefusedBeforeFields: a caller who may read a case but
// not write to it (an auditor, an outside firm with a read grant) gets the
// policy's 403 for the communication form whatever it holds, as for the
// payment and plan forms, not the form's field errors (422) on a page that
// pretends the contact could be recorded. A case the caller cannot see stays
// 404.
func TestCommunicationFormRefusedBeforeFields(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("R21-COMM", "")
	hidden := e.newCase("R21-HIDDEN", "")
	reader := e.user("r21-reader", dossier.RoleExternal)
	if _, err := e.acc.Grant(context.Background(), e.admin, c.ID, reader.ID, dossier.AccessRead); err != nil {
		t.Fatal(err)
	}
	auditor := e.user("r21-auditor", dossier.RoleAuditor)
	bad := url.Values{"channel": {"phone"}, "summary": {"催款"}, "occurred_at": {"not a time"},
		"promise_amount": {"many"}}
	for _, tt := range []struct {
		name, user, caseID string
		want               int
	}{
		{"ErrReadGrant", reader.Username, c.ID, http.StatusForbidden},
		{"ErrAuditor", auditor.Username, c.ID, http.StatusForbidden},
		{"ErrInvisible", reader.Username, hidden.ID, http.StatusNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := e.client()
			b.login(tt.user)
			form := url.Values{"csrf": {b.csrf("/cases")}}
			for k, v := range bad {
				form[k] = v
			}
			r := b.post("/cases/"+tt.caseID+"/communications", form)
			if r.Status != tt.want {
				t.Fatalf("answered %d, want %d", r.Status, tt.want)
			}
			if strings.Contains(r.Body, `name="summary"`) {
				t.Fatalf("the refusal shows the communication form again")
			}
		})
	}
	comms, err := e.cases.Communications(context.Background(), e.admin, c.ID)
	if err != nil || len(comms) != 0 {
		t.Fatalf("communications stored: %d %v", len(comms), err)
	}
}
