package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// TestShareEndedPage: a browser on a share link that leads nowhere any
// more gets a short bilingual page with the status API.md gives (404, or
// 429 after too many unknown links); other clients keep problem+json. The
// refusal is still audited with its reason.
func TestShareEndedPage(t *testing.T) {
	be := newBundleEnv(t, "sqlite")
	r := be.do("POST", "/api/v1/cases/"+be.caseID+"/bundles", be.admin, map[string]any{"title": "一审证据",
		"items": []map[string]string{{"evidence_id": be.items[0].ID, "purpose": "证明欠款金额"}}})
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var b dossier.Bundle
	r.json(t, &b)
	used := be.share(t, b.ID, 1, time.Hour)
	checkZip(t, be.get("/s/"+used+"/download", "", nil))
	expired := be.share(t, b.ID, 0, time.Minute)
	be.clock.Add(int64(2 * time.Minute))

	browser := map[string]string{"Accept": browserAccept}
	tests := []struct {
		name, path string
		hdr        map[string]string
		status     int
		page       bool
	}{
		{"ErrUsedUp/landing", "/s/" + used, browser, 404, true},
		{"ErrUsedUp/download", "/s/" + used + "/download", browser, 404, true},
		{"ErrExpired/landing", "/s/" + expired, browser, 404, true},
		{"ErrUnknown/landing", "/s/not-a-token", browser, 404, true},
		{"ErrUsedUp/api", "/s/" + used, nil, 404, false},
		{"ErrUsedUp/curl", "/s/" + used + "/download", map[string]string{"Accept": "*/*"}, 404, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := be.get(tt.path, "", tt.hdr)
			ct := r.Header.Get("Content-Type")
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d", r.Status, tt.status)
			}
			if !tt.page {
				if ct != "application/problem+json" {
					t.Fatalf("API client got %s", ct)
				}
				return
			}
			body := string(r.Body)
			if !strings.HasPrefix(ct, "text/html") || !strings.Contains(body, "链接已失效") ||
				!strings.Contains(body, "ask the sender for a new link") || strings.Contains(body, "<script") {
				t.Fatalf("browser got %s:\n%s", ct, body)
			}
			if !strings.Contains(r.Header.Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("page without a strict CSP")
			}
		})
	}
	t.Run("ErrRateLimited", func(t *testing.T) {
		// The limiter allows 3 unknown tokens per IP per minute in this env.
		var r *response
		for i := 0; i < 4; i++ {
			r = be.get(fmt.Sprintf("/s/guess-%d", i), "", browser)
		}
		if r.Status != 429 || r.Header.Get("Retry-After") == "" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(string(r.Body), "请稍后再试") {
			t.Fatalf("after too many guesses: %d %s %q\n%s", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Retry-After"), r.Body)
		}
	})
	t.Run("Audited", func(t *testing.T) {
		if err := be.audit.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		evs, err := be.store.Events(context.Background(), dossier.AuditFilter{Action: "share."})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if e.Status == 404 && e.ObjectID == b.ID && strings.Contains(e.Detail, "link not found") {
				return
			}
		}
		t.Fatalf("no audited refusal naming bundle %s: %+v", b.ID, evs)
	})
}
