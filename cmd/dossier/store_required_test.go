package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `dossier audit verify` and `dossier reindex` work on the store `dossier
// serve` made. Pointed at a directory that holds none (a mistyped
// DOSSIER_DATA), they used to create an empty store there and answer
// "ok: 0 events" or "search index rebuilt": an auditor took the first for a
// verified trail. Now both fail naming the setting and create nothing.
func TestAuditVerifyAndReindexNeedExistingStore(t *testing.T) {
	for _, args := range [][]string{{"audit", "verify"}, {"reindex"}} {
		t.Run(strings.Join(args, "_"), func(t *testing.T) {
			for _, tc := range []struct {
				name string
				data func(t *testing.T) string
			}{
				{"ErrNoDataDir", func(t *testing.T) string { return filepath.Join(t.TempDir(), "typo") }},
				{"ErrEmptyDataDir", func(t *testing.T) string { return t.TempDir() }},
			} {
				t.Run(tc.name, func(t *testing.T) {
					data := tc.data(t)
					code, out := runIn(data, nil, "", args...)
					if code != 1 || !strings.Contains(out, "DOSSIER_DATA") {
						t.Fatalf("exit %d, want 1 with a message naming DOSSIER_DATA:\n%s", code, out)
					}
					if entries, err := os.ReadDir(data); err == nil && len(entries) > 0 {
						t.Fatalf("created %s in %s", entries[0].Name(), data)
					}
				})
			}
		})
	}
}

// A negative --sweep-age (a typo for a positive one) swept like
// --sweep-age 0, which README calls safe only while the service is stopped;
// it is refused as a usage error before anything is opened.
func TestSweepAgeMustNotBeNegative(t *testing.T) {
	code, out := runIn(t.TempDir(), nil, "", "verify", "--sweep", "--sweep-age", "-24h")
	if code != 2 || !strings.Contains(out, "--sweep-age") {
		t.Fatalf("exit %d, want 2 naming --sweep-age:\n%s", code, out)
	}
}
