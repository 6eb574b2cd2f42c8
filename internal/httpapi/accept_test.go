package httpapi

import "testing"

func TestPrefersHTML(t *testing.T) {
	cases := []struct {
		accept string
		html   bool
	}{
		{"", false},
		{"*/*", false},
		{"application/zip", false},
		{"text/html", true},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true}, // Firefox, Chrome
		{"application/zip, text/html;q=0.5", false},
		{"text/html;q=0.4, application/*;q=0.5", false},
		{"text/*;q=0.9, */*;q=0.1", true},
		{"text/html;q=0, */*", false},
		{"text/html;q=0.9, application/zip;q=0.9", false}, // a tie goes to the ZIP
	}
	for _, tc := range cases {
		if got := prefersHTML(tc.accept); got != tc.html {
			t.Errorf("prefersHTML(%q) = %v, want %v", tc.accept, got, tc.html)
		}
	}
}

func TestPrefersCSV(t *testing.T) {
	cases := []struct {
		accept string
		csv    bool
	}{
		{"", false},
		{"*/*", false},
		{"application/json", false},
		{"text/csv", true},
		{"text/csv; charset=utf-8", true},
		{"text/csv, */*", true},                       // named beats a wildcard at the same weight
		{"text/csv;q=0.9, application/json", false},   // JSON preferred
		{"text/csv;q=0, */*", false},                  // CSV refused
		{"application/json;q=0.5, text/*", true},      // any text beats JSON at half weight
		{"text/csv, application/json", false},         // a tie between named types goes to JSON
		{"text/plain, application/json;q=0.1", false}, // CSV not acceptable at all
	}
	for _, tc := range cases {
		if got := prefersCSV(tc.accept); got != tc.csv {
			t.Errorf("prefersCSV(%q) = %v, want %v", tc.accept, got, tc.csv)
		}
	}
}
