package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/search"
	"github.com/dossier/dossier/internal/web"
)

const basePath = "/dossier"

// prefixEnv is the app configured for basePath, with the search page.
func prefixEnv(t *testing.T, base string) *env {
	t.Helper()
	blobs, err := disk.New(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return newEnvUnder(t, false, blobs, true, base)
}

// prefixProxy serves the app under basePath only, as a reverse proxy on a
// shared host does: a request outside the prefix is not the app's (404),
// so a link that escaped it fails when followed. strip takes the prefix
// off before forwarding; else it is passed through.
func prefixProxy(t *testing.T, app string, strip bool) *httptest.Server {
	t.Helper()
	target, err := url.Parse(app)
	if err != nil {
		t.Fatal(err)
	}
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host // as docs/deployment.md has nginx do
		r.SetXForwarded()
		r.Out.URL.Path, r.Out.URL.RawPath = r.In.URL.Path, r.In.URL.RawPath
		if strip {
			r.Out.URL.Path = strings.TrimPrefix(r.In.URL.Path, basePath)
			r.Out.URL.RawPath = ""
			if r.Out.URL.Path == "" {
				r.Out.URL.Path = "/"
			}
		}
	}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != basePath && !strings.HasPrefix(r.URL.Path, basePath+"/") {
			http.Error(w, "not under "+basePath, http.StatusNotFound)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// underPrefix reports whether the URL ref, as found on a page or in a
// header of a response to from, stays on this site under basePath. Fragments
// and relative references ("./x", "#evidence") stay where the page is.
func underPrefix(from *url.URL, ref string) bool {
	u, err := from.Parse(ref)
	if err != nil {
		return false
	}
	if u.Scheme == "javascript" || u.Scheme == "data" {
		return true
	}
	return u.Host == from.Host && (u.Path == basePath || strings.HasPrefix(u.Path, basePath+"/"))
}

// stayUnder is the client's transport: every Location and every cookie
// path of every answer must stay under basePath.
type stayUnder struct{ t *testing.T }

func (s stayUnder) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return res, err
	}
	if loc := res.Header.Get("Location"); loc != "" && !underPrefix(req.URL, loc) {
		s.t.Errorf("%s %s: Location %q escapes %s", req.Method, req.URL.Path, loc, basePath)
	}
	for _, ck := range res.Cookies() {
		if ck.Path != basePath && !strings.HasPrefix(ck.Path, basePath+"/") {
			s.t.Errorf("%s %s: cookie %s has Path %q, outside %s", req.Method, req.URL.Path, ck.Name, ck.Path, basePath)
		}
	}
	return res, nil
}

// pageURLs returns every URL a page names: links, assets, form actions, and
// data-* attributes holding a path (the API addresses of the upload
// scripts). followable are those a browser fetches with GET.
func pageURLs(t *testing.T, body string) (all, followable []string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			method := ""
			for _, a := range n.Attr {
				if a.Key == "method" {
					method = strings.ToLower(a.Val)
				}
			}
			for _, a := range n.Attr {
				switch {
				case a.Key == "href" || a.Key == "src":
					all = append(all, a.Val)
					followable = append(followable, a.Val)
				case a.Key == "action" || a.Key == "formaction":
					all = append(all, a.Val)
					if method == "get" {
						followable = append(followable, a.Val)
					}
				case strings.HasPrefix(a.Key, "data-") && strings.HasPrefix(a.Val, "/"):
					all = append(all, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return all, followable
}

// crawl fetches the seeds and every page they link to under the prefix,
// breadth first, up to max fetches; each must answer, and no URL on any
// page may leave the prefix.
func crawl(t *testing.T, b *client, seeds []string, max int) int {
	t.Helper()
	seen := map[string]bool{}
	queue := append([]string(nil), seeds...)
	fetched := 0
	for len(queue) > 0 && fetched < max {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		r := b.browse(http.MethodGet, p, nil)
		fetched++
		if r.Status >= 400 {
			t.Errorf("GET %s%s: %d", basePath, p, r.Status)
			continue
		}
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			continue
		}
		page, err := url.Parse(b.root + p)
		if err != nil {
			t.Fatal(err)
		}
		all, follow := pageURLs(t, r.Body)
		for _, ref := range all {
			if !underPrefix(page, ref) {
				t.Errorf("page %s%s names %q, outside %s", basePath, p, ref, basePath)
			}
		}
		for _, ref := range follow {
			u, err := page.Parse(ref)
			if err != nil || !underPrefix(page, ref) {
				continue
			}
			u.Fragment = ""
			rest := strings.TrimPrefix(u.RequestURI(), basePath)
			if rest == "" || rest[0] == '?' {
				rest = "/" + rest
			}
			queue = append(queue, rest)
		}
	}
	return fetched
}

// TestBasePathPages: with DOSSIER_BASE_PATH set, every page a signed-in
// admin can reach names only URLs under the prefix, every redirect and
// cookie stays under it, and all of it works through a proxy that strips
// the prefix and through one that passes it on. Before, the pages wrote
// root-relative links ("/cases/…"), which left the proxy's prefix.
func TestBasePathPages(t *testing.T) {
	e := prefixEnv(t, basePath)
	c := e.newCase("2026-HZ-0700", "前缀案件")
	for _, mode := range []struct {
		name  string
		strip bool
	}{{"OKStripped", true}, {"OKPassedThrough", false}} {
		t.Run(mode.name, func(t *testing.T) {
			px := prefixProxy(t, e.srv.URL, mode.strip)
			b := e.clientAt(px.URL + basePath)
			b.http.Transport = stayUnder{t}

			// Signed out, a page sends the browser to the sign-in form
			// and back.
			r := b.browse(http.MethodGet, "/cases/"+c.ID, nil)
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != basePath+"/login?next=%2Fcases%2F"+c.ID {
				t.Fatalf("signed out: %d Location %q", r.Status, r.Header.Get("Location"))
			}
			tok := b.csrf("/login?next=%2Fcases%2F" + c.ID)
			r = b.post("/login", url.Values{"csrf": {tok}, "username": {"admin"}, "password": {adminPassword},
				"next": {"/cases/" + c.ID}})
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != basePath+"/cases/"+c.ID {
				t.Fatalf("sign in: %d Location %q", r.Status, r.Header.Get("Location"))
			}

			// The upload script's API call goes through the prefix too.
			eid := uploaded(t, b, c.ID, "对账单-"+mode.name+".txt", "statement", []byte("对方确认欠款 38650 元。"+mode.name))
			if err := e.index.Index(search.Doc{EvidenceID: eid, CaseID: c.ID, CaseNumber: c.Number, Kind: "statement",
				Title: "对账单", Text: "对方确认欠款", CreatedAt: time.Now()}); err != nil {
				t.Fatal(err)
			}
			form := url.Values{"csrf": {b.csrf("/cases/" + c.ID + "/bundles")}, "title": {"证据"}, "pick": {"e:" + eid},
				"purpose.e:" + eid: {"证明欠款"}}
			r = b.post("/cases/"+c.ID+"/bundles", form)
			loc := r.Header.Get("Location")
			if r.Status != http.StatusSeeOther || !strings.HasPrefix(loc, basePath+"/bundles/") {
				t.Fatalf("create bundle: %d Location %q\n%s", r.Status, loc, r.Body)
			}
			bundlePage := strings.TrimPrefix(strings.Split(loc, "?")[0], basePath)
			// A share's one-shot cookie is scoped to the bundle's page.
			r = b.post(bundlePage+"/shares", url.Values{"csrf": {b.csrf(bundlePage)}, "expires": {time.Now().AddDate(0, 0, 7).Format("2006-01-02")}})
			if r.Status != http.StatusSeeOther {
				t.Fatalf("create share: %d\n%s", r.Status, r.Body)
			}
			if p := b.get(bundlePage); !strings.Contains(p.Body, "/s/") {
				t.Errorf("the bundle page does not show the new share link")
			}

			n := crawl(t, b, []string{"/", "/cases", "/cases/new", "/cases/" + c.ID, "/evidence/" + eid, bundlePage,
				"/search?q=" + url.QueryEscape("欠款"), "/dashboard", "/audit", "/admin"}, 150)
			if n < 20 {
				t.Errorf("crawled only %d pages", n)
			}
			t.Logf("crawled %d pages", n)

			// The friendly 404 page links under the prefix too.
			r = b.browse(http.MethodGet, "/no-such-page", nil)
			if r.Status != http.StatusNotFound || !strings.Contains(r.Body, "<h1>404") {
				t.Errorf("unknown page: %d\n%s", r.Status, r.Body)
			}
			page, _ := url.Parse(b.root + "/no-such-page")
			all, _ := pageURLs(t, r.Body)
			for _, ref := range all {
				if !underPrefix(page, ref) {
					t.Errorf("404 page names %q, outside %s", ref, basePath)
				}
			}

			// The language switch returns to the page, under the prefix,
			// and its cookie stays there.
			r = b.post("/lang", url.Values{"csrf": {b.csrf("/cases")}, "lang": {"en"}, "back": {"/cases?q=HZ"}})
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != basePath+"/cases?q=HZ" {
				t.Errorf("language switch: %d Location %q", r.Status, r.Header.Get("Location"))
			}
			// A page rendered in answer to a POST (the new-case form with
			// its errors) sends its language switch back to the page the
			// form was on, which the Referer names with the prefix.
			form = url.Values{"csrf": {b.csrf("/cases/new")}, "number": {""}}
			req, _ := http.NewRequest(http.MethodPost, b.root+"/cases", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Referer", b.root+"/cases/new?from=list")
			r = b.do(req)
			if want := `name="back" value="/cases/new?from=list"`; r.Status < 400 || !strings.Contains(r.Body, want) {
				t.Errorf("form errors under the prefix: %d, no %s in\n%s", r.Status, want, r.Body)
			}
			r = b.post("/logout", url.Values{"csrf": {b.csrf("/cases")}})
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != basePath+"/login" {
				t.Errorf("sign out: %d Location %q", r.Status, r.Header.Get("Location"))
			}
			if r := b.browse(http.MethodGet, "/cases", nil); r.Status != http.StatusSeeOther {
				t.Errorf("after sign-out the session still works: %d", r.Status)
			}
		})
	}
	// The JSON API and the health checks answer at their own paths too,
	// for clients that reach the service directly.
	direct := e.client()
	for _, p := range []string{"/healthz", "/api/v1/openapi.json", basePath + "/api/v1/openapi.json", "/static/app.css"} {
		if r := direct.get(p); r.Status != http.StatusOK {
			t.Errorf("GET %s directly: %d", p, r.Status)
		}
	}
}

// TestBasePathRefusesOpenRedirect: a sign-in's "next" and the language
// switch's "back" lead only to this site, under the prefix if there is one,
// whatever they were given.
func TestBasePathRefusesOpenRedirect(t *testing.T) {
	evil := []string{"//evil.example", "https://evil.example", "/\\evil.example", "http:/evil.example",
		basePath + "//evil.example", basePath + "/https://evil.example", basePath + "/\\evil.example",
		"/" + basePath + "//evil.example", "///evil.example", basePath + "///evil.example"}
	for _, tc := range []struct{ name, base string }{{"ErrUnderPrefix", basePath}, {"ErrAtRoot", ""}} {
		t.Run(tc.name, func(t *testing.T) {
			e := prefixEnv(t, tc.base)
			app, _ := url.Parse(e.srv.URL + tc.base + "/login")
			safe := func(what, next string, r *response) {
				t.Helper()
				loc := r.Header.Get("Location")
				u, err := app.Parse(loc)
				if r.Status != http.StatusSeeOther || err != nil || u.Host != app.Host || !strings.HasPrefix(u.Path, tc.base+"/") ||
					strings.HasPrefix(loc, "//") || strings.Contains(loc, "\\") {
					t.Errorf("%s with %q: %d Location %q leaves the site", what, next, r.Status, loc)
				}
			}
			signedIn := e.clientAt(e.srv.URL + tc.base)
			signedIn.login("admin")
			for _, next := range evil {
				b := e.clientAt(e.srv.URL + tc.base)
				r := b.post("/login", url.Values{"csrf": {b.csrf("/login")}, "username": {"admin"}, "password": {adminPassword},
					"next": {next}})
				safe("sign-in", next, r)
				safe("sign-in form while signed in", next, signedIn.get("/login?next="+url.QueryEscape(next)))
				safe("language switch", next, signedIn.post("/lang", url.Values{"csrf": {signedIn.csrf("/cases")},
					"lang": {"zh-CN"}, "back": {next}}))
			}
		})
	}
}

func TestCleanBasePath(t *testing.T) {
	for in, want := range map[string]string{"": "", "/": "", "dossier": "/dossier", "/dossier/": "/dossier",
		"/apps/dossier-2.v_1~x": "/apps/dossier-2.v_1~x", "/cases-app": "/cases-app"} {
		if got, err := web.CleanBasePath(in); err != nil || got != want {
			t.Errorf("OK %q: %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"//", "//dossier", "/a//b", "/dossier?x=1", "/dossier#top", "/../dossier", "/a/./b",
		"/a/..", "/dos sier", "/%64ossier", "/dossier\\x", "https://host/dossier", "/api", "/api/x", "/static", "/s",
		"/cases", "/login/x", "/档案"} {
		if got, err := web.CleanBasePath(in); err == nil {
			t.Errorf("Err %q accepted as %q", in, got)
		}
	}
	// A prefix that starts like one of the service's own routes would be
	// taken off requests for that route; every route's first segment is
	// refused, so the list cannot fall behind the routes.
	e := prefixEnv(t, "")
	for _, r := range e.api.Echo.Routes() {
		seg := strings.SplitN(strings.TrimPrefix(r.Path, "/"), "/", 2)[0]
		if seg == "" || strings.ContainsAny(seg, ":*") {
			continue
		}
		if _, err := web.CleanBasePath("/" + seg); err == nil {
			t.Errorf("route %s %s: prefix /%s accepted", r.Method, r.Path, seg)
		}
	}
}
