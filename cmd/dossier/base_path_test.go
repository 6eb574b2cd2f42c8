package main

import (
	"strings"
	"testing"
)

// DOSSIER_BASE_PATH is normalised to "/prefix", and a value that cannot be
// a path prefix stops start-up naming the setting.
func TestConfigBasePath(t *testing.T) {
	for in, want := range map[string]string{"": "", "/": "", "dossier/": "/dossier", "/apps/dossier": "/apps/dossier"} {
		c, err := LoadConfig([]string{"DOSSIER_BASE_PATH=" + in})
		if err != nil || c.BasePath != want {
			t.Errorf("OK %q: %+v, %v; want %q", in, c, err, want)
		}
	}
	for _, in := range []string{"/dossier?x", "/dossier#x", "//dossier", "/a/../b", "/api", "/static"} {
		_, err := LoadConfig([]string{"DOSSIER_BASE_PATH=" + in})
		if err == nil || !strings.Contains(err.Error(), "DOSSIER_BASE_PATH") {
			t.Errorf("Err %q: %v, want an error naming DOSSIER_BASE_PATH", in, err)
		}
	}
}
