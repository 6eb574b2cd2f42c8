package httpapi

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/dossier"
)

// Dates in search and audit queries are calendar days in the business zone:
// from=to=2026-03-01 in Shanghai is 16:00 UTC on 28 February up to 16:00 UTC
// on 1 March, as on the web audit page; an RFC 3339 time is taken as given.
func TestQueryDatesInZone(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name, query string
		loc         *time.Location
		from, to    time.Time
		field       string // the field a 422 names
	}{
		{name: "OKShanghai", query: "from=2026-03-01&to=2026-03-01", loc: shanghai,
			from: utc("2026-02-28T16:00:00Z"), to: utc("2026-03-01T16:00:00Z")},
		{name: "OKUTC", query: "from=2026-03-01&to=2026-03-02", loc: time.UTC,
			from: utc("2026-03-01T00:00:00Z"), to: utc("2026-03-03T00:00:00Z")},
		{name: "OKOnlyTo", query: "to=2026-03-01", loc: shanghai, to: utc("2026-03-01T16:00:00Z")},
		{name: "ErrBadFrom", query: "from=2026-02-30", loc: shanghai, field: "from"},
		{name: "ErrToBeforeFrom", query: "from=2026-03-02&to=2026-03-01", loc: shanghai, field: "to"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := echo.New().NewContext(httptest.NewRequest("GET", "/api/v1/search?"+tc.query, nil), httptest.NewRecorder())
			q, err := searchQuery(c, tc.loc)
			check(t, "search", err, tc.field, q.From, q.To, tc.from, tc.to)
			if tc.name == "ErrToBeforeFrom" {
				return // the audit filter selects nothing then, as a query may
			}
			f, err := auditFilter(c, tc.loc)
			check(t, "audit", err, tc.field, f.From, f.To, tc.from, tc.to)
		})
	}
	t.Run("OKAuditRFC3339", func(t *testing.T) {
		c := echo.New().NewContext(httptest.NewRequest("GET", "/api/v1/audit?from=2026-03-01T07:00:00%2B08:00", nil), httptest.NewRecorder())
		f, err := auditFilter(c, time.UTC)
		if err != nil || !f.From.Equal(utc("2026-02-28T23:00:00Z")) {
			t.Fatalf("from %v, %v", f.From, err)
		}
	})
}

func check(t *testing.T, what string, err error, field string, from, to, wantFrom, wantTo time.Time) {
	t.Helper()
	if field != "" {
		fe := dossier.ErrorFields(err)
		if dossier.ErrorCode(err) != dossier.EINVALID || len(fe) != 1 || fe[0].Field != field {
			t.Errorf("%s: err %v (%v), want EINVALID naming %s", what, err, fe, field)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !from.Equal(wantFrom) || !to.Equal(wantTo) {
		t.Errorf("%s: from %v to %v, want %v to %v", what, from.UTC(), to.UTC(), wantFrom, wantTo)
	}
}
