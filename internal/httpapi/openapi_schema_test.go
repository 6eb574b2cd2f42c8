package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/httpapi"
)

func init() {
	// Binary answers are checked for their documented media type; their
	// schema is a binary string.
	for _, ct := range []string{"application/zip", "application/pdf", "text/html"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
	}
}

// oaSuite drives a real server and checks every request it sends and every
// answer it gets against openapi.json.
type oaSuite struct {
	t      *testing.T
	e      *env
	doc    *openapi3.T
	router routers.Router
	seen   map[string]map[int]bool // "METHOD /path/{template}" → statuses answered
}

// oaCall is one request of the scenario.
type oaCall struct {
	method, path, token string
	ctype               string
	body                []byte
	hdr                 map[string]string
	want                int
	// bad marks a request that breaks the documented request schema on
	// purpose (to get a 400 or 422): the document must refuse it too.
	bad bool
}

// loadStrictOpenAPI loads the served document, validates it as OpenAPI 3,
// and closes every object schema that lists properties: an answer carrying
// a field the document does not name fails.
func loadStrictOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(httpapi.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not valid OpenAPI 3: %v", err)
	}
	closed := map[*openapi3.Schema]bool{}
	var closeSchema func(s *openapi3.SchemaRef)
	closeSchema = func(s *openapi3.SchemaRef) {
		if s == nil || s.Value == nil || closed[s.Value] {
			return
		}
		v := s.Value
		closed[v] = true
		if len(v.Properties) > 0 && v.AdditionalProperties.Has == nil && v.AdditionalProperties.Schema == nil {
			no := false
			v.AdditionalProperties.Has = &no
		}
		for _, p := range v.Properties {
			closeSchema(p)
		}
		closeSchema(v.Items)
		closeSchema(v.AdditionalProperties.Schema)
		for _, l := range [][]*openapi3.SchemaRef{v.OneOf, v.AnyOf, v.AllOf} {
			for _, x := range l {
				closeSchema(x)
			}
		}
	}
	for _, s := range doc.Components.Schemas {
		closeSchema(s)
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					closeSchema(mt.Schema)
				}
			}
			for _, r := range op.Responses.Map() {
				for _, mt := range r.Value.Content {
					closeSchema(mt.Schema)
				}
			}
		}
	}
	doc.Servers = nil // match the test server's address
	return doc
}

func newOASuite(t *testing.T, e *env) *oaSuite {
	doc := loadStrictOpenAPI(t)
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &oaSuite{t: t, e: e, doc: doc, router: router, seen: map[string]map[int]bool{}}
}

func jsonBody(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// json is a call with a JSON body (nil: none).
func (s *oaSuite) json(method, path, token string, body any, want int) *response {
	s.t.Helper()
	c := oaCall{method: method, path: path, token: token, want: want}
	if body != nil {
		c.ctype, c.body = "application/json", jsonBody(body)
	}
	return s.call(c)
}

func (s *oaSuite) call(c oaCall) *response {
	t := s.t
	t.Helper()
	ctx := context.Background()
	mk := func() *http.Request {
		req, err := http.NewRequest(c.method, s.e.srv.URL+c.path, bytes.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		if c.body == nil {
			req.Body = http.NoBody
		}
		if c.ctype != "" {
			req.Header.Set("Content-Type", c.ctype)
		}
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		for k, v := range c.hdr {
			req.Header.Set(k, v)
		}
		return req
	}
	vreq := mk()
	route, params, err := s.router.FindRoute(vreq)
	if err != nil {
		t.Fatalf("%s %s: not a documented operation: %v", c.method, c.path, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			SkipSettingDefaults: true, MultiError: true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()}}}
	verr := openapi3filter.ValidateRequest(ctx, in)
	switch {
	case c.bad && verr == nil:
		t.Errorf("%s %s: the document accepts a request the server must refuse (%d): %s", c.method, c.path, c.want, c.body)
	case !c.bad && verr != nil:
		t.Errorf("%s %s: the document refuses the scenario's request %.300s:\n%v", c.method, c.path, c.body, verr)
	}

	res, err := http.DefaultClient.Do(mk())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	r := &response{Status: res.StatusCode, Header: res.Header, Body: body}
	if r.Status != c.want {
		t.Fatalf("%s %s: status %d, want %d: %.500s", c.method, c.path, r.Status, c.want, body)
	}
	key := route.Method + " " + route.Path
	if s.seen[key] == nil {
		s.seen[key] = map[int]bool{}
	}
	s.seen[key][r.Status] = true
	s.checkResponse(c, route, in, r)
	return r
}

// checkResponse fails unless the document names the answer's status (a
// success explicitly; an error explicitly or as the default problem), its
// media type, and its body's schema.
func (s *oaSuite) checkResponse(c oaCall, route *routers.Route, in *openapi3filter.RequestValidationInput, r *response) {
	t := s.t
	t.Helper()
	what := fmt.Sprintf("%s %s → %d", c.method, route.Path, r.Status)
	ref := route.Operation.Responses.Status(r.Status)
	byDefault := ref == nil
	if ref == nil {
		if r.Status < 400 {
			t.Errorf("%s: status not documented", what)
			return
		}
		ref = route.Operation.Responses.Default()
		if ref == nil {
			t.Errorf("%s: status not documented and no default", what)
			return
		}
	}
	ct := r.Header.Get("Content-Type")
	if len(r.Body) > 0 {
		mt := ref.Value.Content.Get(ct)
		if mt == nil {
			t.Errorf("%s: content type %q not documented (documented: %v): %.200s", what, ct, mediaTypes(ref.Value.Content), r.Body)
			return
		}
		if mt.Schema == nil {
			t.Errorf("%s: no schema documented for %q", what, ct)
			return
		}
	} else if r.Status != http.StatusNoContent && r.Status != http.StatusNotModified && len(ref.Value.Content) > 0 {
		t.Errorf("%s: empty body where the document promises %v", what, mediaTypes(ref.Value.Content))
	}
	if byDefault && ct != "application/problem+json" && !strings.HasPrefix(ct, "text/html") {
		t.Errorf("%s: an error answered as %q, not application/problem+json", what, ct)
	}
	err := openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: r.Status, Header: r.Header, Body: io.NopCloser(bytes.NewReader(r.Body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()}}})
	if err != nil {
		t.Errorf("%s: answer does not match the document: %v\nbody: %.600s", what, err, r.Body)
	}
}

func mediaTypes(c openapi3.Content) []string {
	var out []string
	for k := range c {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func idOf(t *testing.T, r *response) string {
	t.Helper()
	var v struct {
		ID string `json:"id"`
	}
	r.json(t, &v)
	if v.ID == "" {
		t.Fatalf("no id in %s", r.Body)
	}
	return v.ID
}

// TestOpenAPISchemas drives every documented operation through a realistic
// scenario, with its usual failures, and checks each request and answer
// against the schemas of openapi.json; it fails when an operation of the
// document is never called.
func TestOpenAPISchemas(t *testing.T) {
	e := newEnv(t, "sqlite")
	blobs := newBlobs(t, "disk")
	withSearch(t, e, withVault(t, e, blobs, 0, 1<<20), blobs)
	withDocuments(t, e, blobs)
	withBundles(t, e, blobs)
	withRecovery(t, e)
	var blobDown atomic.Bool
	e.api.Ready = append(e.api.Ready, httpapi.Checker{Name: "blobs", Check: func(context.Context) error {
		if blobDown.Load() {
			return errors.New("blob store unreachable")
		}
		return nil
	}})
	s := newOASuite(t, e)
	now := time.Now()
	day := func(d int) string { return now.UTC().AddDate(0, 0, d).Format(time.DateOnly) }

	// Operations.
	s.json("GET", "/healthz", "", nil, 200)
	s.json("GET", "/readyz", "", nil, 200)
	blobDown.Store(true)
	s.json("GET", "/readyz", "", nil, 503)
	blobDown.Store(false)
	s.json("GET", "/metrics", "", nil, 200)
	s.json("GET", "/api/v1/openapi.json", "", nil, 200)

	// Sign-in and users.
	r := s.json("POST", "/api/v1/auth/login", "", map[string]any{"username": "admin", "password": adminPassword}, 200)
	var sess struct{ Token string }
	r.json(t, &sess)
	admin := sess.Token
	s.json("POST", "/api/v1/auth/login", "", map[string]any{"username": "admin", "password": "wrong password!"}, 401)
	s.call(oaCall{method: "POST", path: "/api/v1/auth/login", ctype: "application/json",
		body: []byte(`{"username":"admin"`), want: 400, bad: true})
	s.json("GET", "/api/v1/me", admin, nil, 200)
	s.json("GET", "/api/v1/me", "", nil, 401)
	s.json("GET", "/api/v1/me", "not-a-token", nil, 401)
	r = s.json("POST", "/api/v1/users", admin, map[string]any{"username": "waiwei", "display_name": "外所律师",
		"role": "external", "password": "a long enough password"}, 201)
	extID := idOf(t, r)
	s.json("POST", "/api/v1/users", admin, map[string]any{"username": "waiwei", "role": "external",
		"password": "a long enough password"}, 409)
	s.call(oaCall{method: "POST", path: "/api/v1/users", token: admin, ctype: "application/json",
		body: jsonBody(map[string]any{"username": "x", "role": "boss", "password": "short"}), want: 422, bad: true})
	s.json("POST", "/api/v1/users", admin, map[string]any{"username": "shenji", "role": "auditor",
		"password": "a long enough password"}, 201)
	s.json("GET", "/api/v1/users", admin, nil, 200)
	ext := e.login("waiwei", "a long enough password")
	auditor := e.login("shenji", "a long enough password")
	s.json("GET", "/api/v1/users", ext, nil, 403)

	// Cases.
	cs := sampleCase("2026-OA-0001")
	r = s.json("POST", "/api/v1/cases", admin, cs, 201)
	caseID := idOf(t, r)
	base := "/api/v1/cases/" + caseID
	s.json("POST", "/api/v1/cases", admin, cs, 409)
	s.call(oaCall{method: "POST", path: "/api/v1/cases", token: admin, ctype: "application/json",
		body: jsonBody(map[string]any{"number": "2026-OA-0002", "principal": "12.345"}), want: 422, bad: true})
	s.call(oaCall{method: "POST", path: "/api/v1/cases", token: admin, ctype: "text/plain",
		body: []byte("number=1"), want: 415, bad: true})
	s.json("POST", "/api/v1/cases", auditor, sampleCase("2026-OA-0003"), 403)
	s.json("GET", "/api/v1/cases", admin, nil, 200)
	s.json("GET", "/api/v1/cases?bucket=danger&stage=negotiation&q=%E5%BC%A0&limit=10", admin, nil, 200)
	s.json("GET", "/api/v1/cases?limitation_within=3650", admin, nil, 200)
	s.call(oaCall{method: "GET", path: "/api/v1/cases?limit=0", token: admin, want: 422, bad: true})
	s.json("GET", "/api/v1/cases", ext, nil, 200) // nothing granted yet: an empty list
	s.json("GET", base, admin, nil, 200)
	s.json("GET", base, ext, nil, 404)
	s.json("GET", "/api/v1/cases/no-such-case", admin, nil, 404)
	s.json("PATCH", base, admin, map[string]any{"stage": "lawyer_letter", "title": "买卖合同货款纠纷"}, 200)
	s.call(oaCall{method: "PATCH", path: base, token: admin, ctype: "application/json",
		body: jsonBody(map[string]any{"stage": "court"}), want: 422, bad: true})

	// Grants.
	s.json("POST", base+"/grants", admin, map[string]any{"user_id": extID, "access": "read"}, 201)
	s.call(oaCall{method: "POST", path: base + "/grants", token: admin, ctype: "application/json",
		body: jsonBody(map[string]any{"user_id": extID, "access": "owner"}), want: 422, bad: true})
	s.json("GET", base, ext, nil, 200)
	s.json("PATCH", base, ext, map[string]any{"stage": "closed"}, 403)

	// Communications.
	s.json("GET", base+"/communications", admin, nil, 200) // none yet
	s.json("POST", base+"/communications", admin, map[string]any{
		"occurred_at": now.UTC().Truncate(time.Hour).Add(-24 * time.Hour).Format(time.RFC3339), "channel": "phone",
		"summary": "电话催收", "outcome": "承诺月底付款", "promise_amount": "1000.00", "promise_date": day(20)}, 201)
	s.call(oaCall{method: "POST", path: base + "/communications", token: admin, ctype: "application/json",
		body: jsonBody(map[string]any{"occurred_at": now.Format(time.RFC3339), "channel": "fax", "summary": "x"}), want: 422, bad: true})

	// Evidence.
	s.json("GET", base+"/evidence", admin, nil, 200) // none yet
	contract := []byte("买卖合同 HT-2026-0042：货款386,500.00元，2026年3月1日前付清。")
	up := func(token, kind, name string, data []byte, want int, extra ...part) *response {
		parts := append([]part{{name: "kind", data: []byte(kind)}, {name: "title", data: []byte("证据 " + name)}}, extra...)
		ct, b := multipartBody(append(parts, part{name: "file", filename: name, data: data})...)
		return s.call(oaCall{method: "POST", path: base + "/evidence", token: token, ctype: ct, body: b, want: want})
	}
	r = up(admin, "contract", "合同.txt", contract, 201, part{name: "occurred_at", data: []byte(day(-200))},
		part{name: "source", data: []byte("原件扫描")}, part{name: "description", data: []byte("签字盖章的合同")},
		part{name: "sha256", data: []byte(hexSHA(contract))})
	evID := idOf(t, r)
	up(admin, "contract", "合同副本.txt", contract, 200)
	up(ext, "contract", "x.txt", []byte("x"), 403)
	up(admin, "contract", "big.bin", randomBytes(1<<20+1), 413)
	ct, b := multipartBody(part{name: "kind", data: []byte("bogus")}, part{name: "file", filename: "a.txt", data: []byte("a")})
	s.call(oaCall{method: "POST", path: base + "/evidence", token: admin, ctype: ct, body: b, want: 422, bad: true})
	s.call(oaCall{method: "POST", path: base + "/evidence", token: admin, ctype: "application/json",
		body: []byte(`{"kind":"contract"}`), want: 415, bad: true})
	ct, b = multipartBody(part{name: "kind", data: []byte("other")}, part{name: "file", filename: "a.txt", data: []byte("a")})
	s.call(oaCall{method: "POST", path: "/api/v1/cases/no-such-case/evidence", token: admin, ctype: ct, body: b, want: 404})
	letter := []byte("律师函已于2026年7月8日由债务人签收。")
	r = up(admin, "letter", "签收.txt", letter, 201)
	letterID := idOf(t, r)
	s.json("GET", base+"/evidence", admin, nil, 200)
	s.json("GET", base+"/evidence?kind=contract&include_deleted=true&limit=1", admin, nil, 200)
	ev := "/api/v1/evidence/" + evID
	s.json("GET", ev, admin, nil, 200)
	s.json("GET", ev, auditor, nil, 200)
	s.json("GET", "/api/v1/evidence/no-such-item", admin, nil, 404)
	s.json("GET", ev+"/content", admin, nil, 200)
	s.call(oaCall{method: "GET", path: ev + "/content", token: admin, hdr: map[string]string{"Range": "bytes=0-5"}, want: 206})
	s.call(oaCall{method: "GET", path: ev + "/content", token: admin, hdr: map[string]string{"If-None-Match": `"` + hexSHA(contract) + `"`}, want: 304})
	s.call(oaCall{method: "GET", path: ev + "/content", token: admin, hdr: map[string]string{"Range": "bytes=100000-"}, want: 416})
	v2 := append([]byte("（补充签字页）"), contract...)
	ct, b = multipartBody(part{name: "note", data: []byte("补充签字页")}, part{name: "file", filename: "合同v2.txt", data: v2})
	s.call(oaCall{method: "POST", path: ev + "/versions", token: admin, ctype: ct, body: b, want: 201})
	s.call(oaCall{method: "POST", path: ev + "/versions", token: admin, ctype: ct, body: b, want: 200})
	ct, b = multipartBody(part{name: "note", data: []byte("没有文件")})
	s.call(oaCall{method: "POST", path: ev + "/versions", token: admin, ctype: ct, body: b, want: 422, bad: true})
	s.json("GET", ev+"/versions", admin, nil, 200)
	s.json("GET", ev+"/versions/1/content", admin, nil, 200)
	s.json("GET", ev+"/versions/9/content", admin, nil, 404)
	s.json("POST", ev+"/verify", admin, nil, 200)
	s.json("PUT", ev+"/hold", admin, map[string]any{"hold": true, "reason": "诉讼保全"}, 200)
	s.call(oaCall{method: "PUT", path: ev + "/hold", token: admin, ctype: "application/json",
		body: jsonBody(map[string]any{"reason": "缺少 hold"}), want: 422, bad: true})
	s.json("DELETE", ev, admin, nil, 423)
	s.json("PUT", ev+"/hold", admin, map[string]any{"hold": false}, 200)
	r = up(admin, "other", "误传.txt", []byte("上传错了的文件"), 201)
	wrongID := idOf(t, r)
	s.json("DELETE", "/api/v1/evidence/"+wrongID, ext, nil, 403)
	s.json("DELETE", "/api/v1/evidence/"+wrongID, admin, nil, 204)
	s.json("GET", "/api/v1/evidence/"+wrongID, admin, nil, 200) // tombstoned, deleted_at set
	s.json("GET", base+"/evidence?include_deleted=true", admin, nil, 200)

	// Search, once the uploads are indexed.
	waitFor(t, func() bool {
		var got dossier.Evidence
		e.do("GET", "/api/v1/evidence/"+letterID, admin, nil).json(t, &got)
		return got.TextStatus != dossier.TextPending
	})
	s.json("GET", "/api/v1/search?q=%E5%90%88%E5%90%8C", admin, nil, 200)
	s.json("GET", "/api/v1/search?q=%E8%B4%A7%E6%AC%BE&case_id="+caseID+"&kind=contract&from="+day(-400)+"&to="+day(0)+"&sort=date&limit=5", admin, nil, 200)
	s.json("GET", "/api/v1/search?q=nothing-matches-this", ext, nil, 200)
	s.call(oaCall{method: "GET", path: "/api/v1/search?q=x&from=yesterday", token: admin, want: 422, bad: true})
	s.call(oaCall{method: "GET", path: "/api/v1/search?q=x&kind=fax&sort=newest", token: admin, want: 422, bad: true})
	s.call(oaCall{method: "GET", path: "/api/v1/search?q=" + strings.Repeat("x", 1001), token: admin, want: 422, bad: true})

	// Documents.
	s.json("GET", "/api/v1/templates", admin, nil, 200)
	s.json("GET", base+"/documents", admin, nil, 200) // none yet
	r = s.json("POST", base+"/documents", admin, map[string]any{"template": "lawyer_letter", "lang": "zh-CN", "fields": letterFields}, 201)
	docID := idOf(t, r)
	s.call(oaCall{method: "POST", path: base + "/documents", token: admin, ctype: "application/json",
		body: jsonBody(map[string]any{"lang": "fr"}), want: 422, bad: true})
	s.json("GET", base+"/documents", admin, nil, 200)
	s.json("GET", "/api/v1/documents/"+docID, admin, nil, 200)
	s.json("GET", "/api/v1/documents/"+docID+"/pdf?inline=1", admin, nil, 200)
	s.json("GET", "/api/v1/documents/no-such-doc", admin, nil, 404)
	s.json("GET", base+"/readiness", admin, nil, 200)
	s.json("GET", base+"/readiness?for=lawyer_letter", admin, nil, 200)
	s.call(oaCall{method: "GET", path: base + "/readiness?for=divorce", token: admin, want: 422, bad: true})

	// Recovery.
	s.json("GET", base+"/limitation", admin, nil, 200)
	s.json("GET", base+"/payments", admin, nil, 200) // none yet
	r = s.json("POST", base+"/payments", admin, map[string]any{"paid_at": now.Add(-time.Hour).Format(time.RFC3339),
		"amount": "1000.00", "method": "bank_transfer", "reference": "BANK-0001", "evidence_id": letterID}, 201)
	payID := idOf(t, r)
	s.json("POST", base+"/payments", admin, map[string]any{"paid_at": now.Add(-30 * time.Minute).Format(time.RFC3339),
		"amount": "-1000.00", "reverses": payID, "reason": "错账冲正"}, 201)
	s.json("POST", base+"/payments", admin, map[string]any{"paid_at": now.Add(-20 * time.Minute).Format(time.RFC3339),
		"amount": "-1000.00", "reverses": payID, "reason": "重复冲正"}, 422) // reversed once only
	s.call(oaCall{method: "POST", path: base + "/payments", token: admin, ctype: "application/json",
		body: jsonBody(map[string]any{"paid_at": now.Format(time.RFC3339), "amount": "1.234"}), want: 422, bad: true})
	s.json("POST", base+"/payments", admin, map[string]any{"paid_at": now.Add(-10 * time.Minute).Format(time.RFC3339),
		"amount": "500000.00", "method": "cash"}, 201) // overpayment flag
	s.json("GET", base+"/payments", admin, nil, 200)
	s.json("GET", base+"/installment-plans", admin, nil, 200) // none yet
	s.json("POST", base+"/installment-plans", admin, map[string]any{"total": "3000.00", "installments": 3,
		"first_due_date": day(30), "agreed_on": day(0)}, 201)
	s.call(oaCall{method: "POST", path: base + "/installment-plans", token: admin, ctype: "application/json",
		body: jsonBody(map[string]any{"total": "3000.00", "installments": 500, "first_due_date": day(30)}), want: 422, bad: true})
	s.json("GET", base+"/installment-plans", admin, nil, 200)
	s.json("GET", base+"/filings", admin, nil, 200) // none yet
	s.json("POST", base+"/filings", admin, map[string]any{"kind": "payment_order", "filed_on": day(0),
		"court": "杭州市西湖区人民法院", "reference": "（2026）浙0106民督1号", "evidence_id": letterID}, 201)
	s.call(oaCall{method: "POST", path: base + "/filings", token: admin, ctype: "application/json",
		body: jsonBody(map[string]any{"kind": "mediation", "filed_on": day(0)}), want: 422, bad: true})
	s.json("GET", base+"/filings", admin, nil, 200)
	s.json("GET", base+"/limitation", admin, nil, 200)

	// A second case whose plan defaulted and was accelerated by a served
	// written demand; its amounts are typed with thousands separators.
	cs2 := sampleCase("2026-OA-0002")
	cs2["principal"], cs2["due_date"] = "386,500.00", day(-200)
	r = s.json("POST", "/api/v1/cases", admin, cs2, 201)
	base2 := "/api/v1/cases/" + idOf(t, r)
	s.json("POST", base2+"/installment-plans", admin, map[string]any{"total": "3,000.00", "installments": 3,
		"first_due_date": day(-120), "agreed_on": day(-150)}, 201)
	mail := []byte("催款邮件：请于七日内支付到期分期款。对方已回复确认收到。")
	ct, b = multipartBody(part{name: "kind", data: []byte("email")}, part{name: "title", data: []byte("催告邮件（已送达）")},
		part{name: "occurred_at", data: []byte(day(-60))}, part{name: "file", filename: "催告.eml.txt", data: mail})
	r = s.call(oaCall{method: "POST", path: base2 + "/evidence", token: admin, ctype: ct, body: b, want: 201})
	s.json("POST", base2+"/communications", admin, map[string]any{
		"occurred_at": now.UTC().AddDate(0, 0, -60).Truncate(24 * time.Hour).Add(10 * time.Hour).Format(time.RFC3339),
		"channel":     "email", "summary": "书面催告分期欠款", "interruption": "demand", "evidence_ids": []string{idOf(t, r)}}, 201)
	r = s.json("GET", base2+"/installment-plans", admin, nil, 200)
	if !bytes.Contains(r.Body, []byte(`"payment_order_prefill"`)) {
		t.Fatalf("the plan was not accelerated, so its prefill goes unchecked: %s", r.Body)
	}
	s.json("GET", base2+"/limitation", admin, nil, 200)
	s.json("GET", "/api/v1/dashboard", admin, nil, 200)
	s.call(oaCall{method: "GET", path: "/api/v1/dashboard", token: admin, hdr: map[string]string{"Accept": "text/csv"}, want: 200})

	// Bundles and shares.
	s.json("GET", base+"/bundles", admin, nil, 200) // none yet
	r = s.json("POST", base+"/bundles", admin, map[string]any{"title": "起诉证据卷", "items": []map[string]string{
		{"evidence_id": evID, "purpose": "证明合同关系"}, {"document_id": docID, "purpose": "证明已催告"}}}, 201)
	bundleID := idOf(t, r)
	s.call(oaCall{method: "POST", path: base + "/bundles", token: admin, ctype: "application/json",
		body: jsonBody(map[string]any{"title": "空卷"}), want: 422, bad: true})
	s.json("GET", base+"/bundles", admin, nil, 200)
	bu := "/api/v1/bundles/" + bundleID
	s.json("GET", bu, admin, nil, 200)
	s.json("GET", bu, ext, nil, 200)
	s.json("GET", "/api/v1/bundles/no-such-bundle", admin, nil, 404)
	s.json("GET", bu+"/download", admin, nil, 200)
	s.json("GET", bu+"/download?lang=en", admin, nil, 200)
	s.json("GET", bu+"/shares", admin, nil, 200) // none yet
	r = s.json("POST", bu+"/shares", admin, map[string]any{"expires_at": now.Add(time.Hour).Format(time.RFC3339),
		"max_downloads": 5, "note": "给外所"}, 201)
	var sh struct{ Token string }
	r.json(t, &sh)
	s.call(oaCall{method: "POST", path: bu + "/shares", token: admin, ctype: "application/json",
		body: jsonBody(map[string]any{"max_downloads": -1}), want: 422, bad: true})
	s.json("POST", bu+"/shares", ext, map[string]any{"expires_at": now.Add(time.Hour).Format(time.RFC3339)}, 403)
	s.call(oaCall{method: "GET", path: "/s/" + sh.Token, hdr: map[string]string{"Accept": "text/html"}, want: 200})
	s.json("GET", "/s/"+sh.Token, "", nil, 200)
	s.json("GET", "/s/"+sh.Token+"/download", "", nil, 200)
	s.json("GET", bu+"/shares", admin, nil, 200)
	s.json("DELETE", bu+"/shares/"+sh.Token, admin, nil, 204)
	s.json("GET", "/s/"+sh.Token+"/download", "", nil, 404)
	s.call(oaCall{method: "GET", path: "/s/" + sh.Token, hdr: map[string]string{"Accept": "text/html"}, want: 404})
	s.json("GET", bu+"/shares", admin, nil, 200) // a revoked link with its download log

	// Grants again, and the audit trail.
	s.json("DELETE", base+"/grants/"+extID, admin, nil, 204)
	s.json("GET", base, ext, nil, 404)
	s.json("GET", "/api/v1/audit", auditor, nil, 200)
	s.json("GET", "/api/v1/audit?actor=admin&case_id="+caseID+"&action=evidence.&from="+day(-1)+"&to="+day(0)+"&q=HEAD&limit=20", admin, nil, 200)
	s.call(oaCall{method: "GET", path: "/api/v1/audit?limit=2", token: admin, hdr: map[string]string{"Accept": "text/csv"}, want: 200})
	s.json("GET", "/api/v1/audit?format=csv", admin, nil, 200)
	s.json("GET", "/api/v1/audit", ext, nil, 403)
	s.call(oaCall{method: "GET", path: "/api/v1/audit?from=last-week", token: admin, want: 422, bad: true})
	if err := e.audit.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.json("GET", "/api/v1/audit/verify", auditor, nil, 200)
	s.json("GET", "/api/v1/audit/verify?anchor=1:"+strings.Repeat("ab", 32)+"&anchor=2:"+strings.Repeat("cd", 32), auditor, nil, 200)
	s.call(oaCall{method: "GET", path: "/api/v1/audit/verify?anchor=first", token: auditor, want: 422, bad: true})
	s.json("GET", "/api/v1/audit/checkpoints", auditor, nil, 200)
	s.json("GET", "/api/v1/audit/checkpoints?limit=1&cursor=9999", auditor, nil, 200)
	s.call(oaCall{method: "GET", path: "/api/v1/audit/checkpoints?cursor=newest", token: auditor, want: 422, bad: true})

	// Sign-out, and the login throttle.
	s.json("POST", "/api/v1/auth/logout", ext, nil, 204)
	s.json("POST", "/api/v1/auth/logout", ext, nil, 401)
	for range 5 {
		s.json("POST", "/api/v1/auth/login", "", map[string]any{"username": "shenji", "password": "not the password"}, 401)
	}
	s.json("POST", "/api/v1/auth/login", "", map[string]any{"username": "shenji", "password": "not the password"}, 429)

	// Every operation of the document was called.
	var missing []string
	for path, item := range s.doc.Paths.Map() {
		for method := range item.Operations() {
			if s.seen[method+" "+path] == nil {
				missing = append(missing, method+" "+path)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("documented operations the scenario never called: %v", missing)
	}
}
