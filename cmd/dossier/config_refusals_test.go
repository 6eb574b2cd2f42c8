package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

// Values that cannot work stop start-up naming the setting, as README says,
// instead of a service whose every login token is born expired or whose
// share links are not links.
func TestConfigRefusesValuesThatCannotWork(t *testing.T) {
	for _, tc := range []struct{ env, want string }{
		{"DOSSIER_TOKEN_TTL=0", "DOSSIER_TOKEN_TTL"},
		{"DOSSIER_TOKEN_TTL=1ns", "DOSSIER_TOKEN_TTL"},
		{"DOSSIER_BASE_URL=dossier.example.com", "DOSSIER_BASE_URL"},
		{"DOSSIER_BASE_URL=ftp://dossier.example.com", "DOSSIER_BASE_URL"},
		{"DOSSIER_BASE_URL=https://", "DOSSIER_BASE_URL"},
	} {
		_, err := LoadConfig([]string{tc.env})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %s", tc.env, err, tc.want)
		}
	}
	for _, env := range []string{"DOSSIER_TOKEN_TTL=30m", "DOSSIER_BASE_URL=https://dossier.example.com/",
		"DOSSIER_BASE_URL=http://10.0.0.5:8080"} {
		if _, err := LoadConfig([]string{env}); err != nil {
			t.Errorf("%s refused: %v", env, err)
		}
	}
}

// A refused secret is never repeated in the message: start-up errors end up
// in the service's journal.
func TestConfigErrorsKeepSecretsOut(t *testing.T) {
	for _, tc := range []struct{ env, secret string }{
		{"DOSSIER_ADMIN_PASSWORD=hunter2-x", "hunter2-x"},
		{"DATABASE_URL=mysql://dossier:s3cr3t-pw@db.internal/dossier", "s3cr3t-pw"},
	} {
		var stderr bytes.Buffer
		code := Main(context.Background(), []string{"serve"}, []string{tc.env, "DOSSIER_DATA=" + t.TempDir()}, nil, io.Discard, &stderr)
		name, _, _ := strings.Cut(tc.env, "=")
		if code == 0 || !strings.Contains(stderr.String(), name) {
			t.Errorf("%s: exit %d, stderr %q should name %s", tc.env, code, stderr.String(), name)
		}
		if strings.Contains(stderr.String(), tc.secret) {
			t.Errorf("%s: the message repeats the secret: %q", name, stderr.String())
		}
	}
}

// Share links are made from DOSSIER_BASE_URL, by default http://DOSSIER_ADDR.
// An address on every interface (":8080", "0.0.0.0:8080", "[::]:8080") made
// links such as http://0.0.0.0:8080/s/… that no outside firm can open; such
// an address now needs DOSSIER_BASE_URL, as a unix socket does.
func TestWildcardAddressNeedsBaseURL(t *testing.T) {
	for _, addr := range []string{":8080", "0.0.0.0:8080", "[::]:8080"} {
		_, err := LoadConfig([]string{"DOSSIER_ADDR=" + addr})
		if err == nil || !strings.Contains(err.Error(), "DOSSIER_BASE_URL") {
			t.Errorf("DOSSIER_ADDR=%s without DOSSIER_BASE_URL: %v, want an error naming DOSSIER_BASE_URL", addr, err)
		}
		c, err := LoadConfig([]string{"DOSSIER_ADDR=" + addr, "DOSSIER_BASE_URL=https://dossier.example.com"})
		if err != nil || c.BaseURL != "https://dossier.example.com" {
			t.Errorf("DOSSIER_ADDR=%s with DOSSIER_BASE_URL: %v %v", addr, c, err)
		}
	}
	if c, err := LoadConfig([]string{"DOSSIER_ADDR=10.1.2.3:8080"}); err != nil || c.BaseURL != "http://10.1.2.3:8080" {
		t.Errorf("DOSSIER_ADDR=10.1.2.3:8080: %v %v", c, err)
	}
}
