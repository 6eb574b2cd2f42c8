package httpapi_test

import (
	"net/url"
	"regexp"
	"testing"
	"time"
)

// TestShareLandingBehindPrefix: the landing page's download button must
// lead to the same link's download wherever Dossier is mounted. Behind a
// proxy at https://firm.example/dossier/ (DOSSIER_BASE_URL with a path) a
// link from the site root, /s/{token}/download, left the prefix out.
func TestShareLandingBehindPrefix(t *testing.T) {
	be := newBundleEnv(t, "sqlite")
	r := be.do("POST", "/api/v1/cases/"+be.caseID+"/bundles", be.admin, map[string]any{"title": "一审证据",
		"items": []map[string]string{{"evidence_id": be.items[0].ID, "purpose": "证明欠款"}}})
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var b struct{ ID string }
	r.json(t, &b)
	tok := be.share(t, b.ID, 0, time.Hour)
	page := be.get("/s/"+tok, "", map[string]string{"Accept": browserAccept})
	m := regexp.MustCompile(`<a class="button" href="([^"]*)"`).FindSubmatch(page.Body)
	if page.Status != 200 || m == nil {
		t.Fatalf("landing: %d, no download button:\n%s", page.Status, page.Body)
	}
	href, err := url.Parse(string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, page, want string }{
		{"OKPrefix", "https://firm.example/dossier/s/" + tok, "https://firm.example/dossier/s/" + tok + "/download"},
		{"OKRoot", be.srv.URL + "/s/" + tok, be.srv.URL + "/s/" + tok + "/download"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base, _ := url.Parse(tt.page)
			if got := base.ResolveReference(href).String(); got != tt.want {
				t.Fatalf("button %q on %s leads to %s, want %s", m[1], tt.page, got, tt.want)
			}
		})
	}
	// And on this server it downloads the bundle.
	root, _ := url.Parse(be.srv.URL + "/s/" + tok)
	checkZip(t, be.get(root.ResolveReference(href).RequestURI(), "", nil))
}
