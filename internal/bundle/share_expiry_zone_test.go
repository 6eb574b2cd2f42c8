package bundle_test

import (
	"bytes"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/dossier"
)

// The share landing page wrote its expiry in UTC+8 whatever DOSSIER_TZ was;
// it now follows the business zone like every other page, naming it.
func TestShareLandingExpiryZone(t *testing.T) {
	exp := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	sh := &bundle.Shared{
		Share:  &dossier.Share{ExpiresAt: exp},
		Bundle: &dossier.Bundle{Title: "起诉证据"},
		Case:   &dossier.Case{Number: "(2026)沪0101民初1号"},
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	sh2, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		loc  *time.Location
		want string
	}{
		{ny, "2026-03-10 05:00 (America/New_York, UTC-04:00)"},
		{sh2, "2026-03-10 17:00 (Asia/Shanghai, UTC+08:00)"},
		{time.UTC, "2026-03-10 09:00 (UTC)"},
		{time.FixedZone("", 2*3600), "2026-03-10 11:00 (UTC+02:00)"},
		{nil, "2026-03-10 17:00 (UTC+08:00)"},
	} {
		var b bytes.Buffer
		if err := bundle.WriteLanding(&b, sh, "/s/x/download", tc.loc); err != nil {
			t.Fatal(err)
		}
		if page := html.UnescapeString(b.String()); !strings.Contains(page, "<dd>"+tc.want+"</dd>") {
			t.Errorf("zone %v: expiry not %q in\n%s", tc.loc, tc.want, page)
		}
	}
}
