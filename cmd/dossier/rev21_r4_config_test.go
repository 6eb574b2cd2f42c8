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
