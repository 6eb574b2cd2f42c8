package httpapi_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// goneWriter is a client that sent its request and went away: the status
// goes out, the body cannot.
type goneWriter struct {
	h        http.Header
	status   int
	onHeader func() // called as the status goes out
}

func (w *goneWriter) Header() http.Header { return w.h }
func (w *goneWriter) WriteHeader(status int) {
	w.status = status
	if w.onHeader != nil {
		w.onHeader()
	}
}
func (w *goneWriter) Write([]byte) (int, error) { return 0, syscall.EPIPE }

// serveGone runs req against the API for a client gone before the answer's
// body, and reports whether the connection was aborted.
func serveGone(h http.Handler, req *http.Request) (w *goneWriter, aborted bool) {
	return serveGoneHook(h, req, nil)
}

// serveGoneHook is serveGone calling onHeader as the status goes out.
func serveGoneHook(h http.Handler, req *http.Request, onHeader func()) (w *goneWriter, aborted bool) {
	w = &goneWriter{h: http.Header{}, onHeader: onHeader}
	defer func() {
		if r := recover(); r != nil {
			if r != http.ErrAbortHandler {
				panic(r)
			}
			aborted = true
		}
	}()
	h.ServeHTTP(w, req)
	return w, false
}

// An upload that stored its evidence keeps outcome ok in the audit trail
// when only its answer could not reach the client (gone after sending the
// file): the trail is the record of what was done to the evidence, and an
// "error" there reads as "nothing was stored" while the item exists. The
// event is stored before the 201 goes out (a crash after the answer must
// not lose it), so it cannot tell that the answer then broke off. A
// download that breaks off stays an error (the copy did not arrive whole)
// and says where it broke.
func TestBrokenReplyOfStoredUpload(t *testing.T) {
	e, _, admin := vaultEnv(t, "sqlite", "disk", 0, 0)
	c := e.createCase(admin, "2026-EV-GONE")
	ct, body := multipartBody(part{name: "kind", data: []byte("recording")},
		part{name: "transcript", data: []byte(strings.Repeat("债务人承认欠款。", 2000))},
		part{name: "file", filename: "通话录音.txt", data: randomBytes(3000)})
	req := httptest.NewRequest("POST", "/api/v1/cases/"+c.ID+"/evidence", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+admin)
	storedFirst := -1
	w, aborted := serveGoneHook(e.api.Handler(), req, func() {
		// What the store holds as the status goes out, without a Flush.
		evs, err := e.store.Events(context.Background(), dossier.AuditFilter{Action: "evidence.upload", Limit: 10})
		if err == nil {
			storedFirst = len(evs)
		}
	})
	if storedFirst != 1 {
		t.Errorf("%d upload events stored when the 201 went out, want 1", storedFirst)
	}
	if w.status != 201 || !aborted {
		t.Fatalf("upload: status %d, aborted %v; want 201 and the connection dropped", w.status, aborted)
	}
	items, total, _, err := e.store.ListEvidence(context.Background(), dossier.EvidenceFilter{CaseID: c.ID})
	if err != nil || total != 1 {
		t.Fatalf("%d items (%v), want the stored upload", total, err)
	}
	evs := e.auditEvents("evidence.upload")
	if len(evs) != 1 {
		t.Fatalf("%d upload events, want 1", len(evs))
	}
	ev := evs[0]
	if ev.Outcome != dossier.OutcomeOK || ev.ObjectID != items[0].ID || !strings.Contains(ev.Detail, "stored ") ||
		strings.Contains(ev.Detail, "internal error") {
		t.Errorf("audit of the stored upload: outcome %q object %q detail %q; want ok, the item, stored, not internal error",
			ev.Outcome, ev.ObjectID, ev.Detail)
	}

	req = httptest.NewRequest("GET", "/api/v1/evidence/"+items[0].ID+"/content", nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	if w, aborted = serveGone(e.api.Handler(), req); w.status != 200 || !aborted {
		t.Fatalf("download: status %d, aborted %v", w.status, aborted)
	}
	var found bool
	for _, ev := range e.auditEvents("evidence.download") {
		found = true
		if ev.Outcome != dossier.OutcomeError || !strings.Contains(ev.Detail, "broken off after 200") ||
			!strings.Contains(ev.Detail, "the client stopped receiving") || strings.Contains(ev.Detail, "internal error") {
			t.Errorf("audit of the broken download: outcome %q detail %q", ev.Outcome, ev.Detail)
		}
	}
	if !found {
		t.Error("no audit event for the download")
	}
}
