package httpapi

import "testing"

// An internal error on a share link's route is logged by its route, not by
// the path that holds the live token.
func TestLoggedPathHidesShareToken(t *testing.T) {
	const token = "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg"
	for route, path := range map[string]string{"/s/:token": "/s/" + token, "/s/:token/download": "/s/" + token + "/download"} {
		if got := loggedPath(route, path); got != route {
			t.Errorf("%s logged as %q", path, got)
		}
	}
	if got := loggedPath("/api/v1/evidence/:eid", "/api/v1/evidence/e1"); got != "/api/v1/evidence/e1" {
		t.Errorf("an evidence path logged as %q", got)
	}
}
