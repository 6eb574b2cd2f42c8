package httpapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/document"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/testenv"
)

var (
	engineOnce sync.Once
	engine     *document.Engine
	engineErr  error
)

// withDocuments attaches the document service (real engine) over blobs, or
// over a fresh disk store when blobs is nil.
func withDocuments(t testing.TB, e *env, blobs blob.Store) *document.Service {
	t.Helper()
	engineOnce.Do(func() { engine, engineErr = document.Load("") })
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	if blobs == nil {
		var err error
		if blobs, err = disk.New(filepath.Join(t.TempDir(), "blobs")); err != nil {
			t.Fatal(err)
		}
	}
	svc := &document.Service{Engine: engine, Store: e.store, Blobs: blobs, Now: time.Now}
	e.api.Documents = svc
	return svc
}

var letterFields = map[string]string{
	"firm_name": "浙江明理律师事务所", "ref_no": "（2026）明律函字第18号", "contract_date": "2025-06-01",
	"bank": "中国工商银行杭州分行", "account_no": "1202 0000 1234 5678", "lawyer_name": "王律师",
	"licence_no": "13301201910123456",
}

func TestDocumentsAPI(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend)
			svc := withDocuments(t, e, nil)
			admin := e.login("admin", adminPassword)
			c := e.createCase(admin, "2026-HZ-0100")

			var tpls []document.TemplateInfo
			e.do("GET", "/api/v1/templates", admin, nil).json(t, &tpls)
			ids := map[string]bool{}
			for _, tp := range tpls {
				ids[tp.ID+"."+tp.Lang] = true
			}
			for _, want := range []string{"lawyer_letter", "installment_agreement", "payment_order_application"} {
				if !ids[want+".zh-CN"] || !ids[want+".en"] {
					t.Fatalf("template %s missing in a language: %v", want, ids)
				}
			}

			t.Run("ErrInvalidListsEveryField", func(t *testing.T) {
				r := e.do("POST", "/api/v1/cases/"+c.ID+"/documents", admin, map[string]any{"template": "lawyer_letter", "lang": "zh-CN",
					"fields": map[string]string{"licence_no": "123"}})
				fields := fieldNames(r.problem(t))
				for _, want := range []string{"firm_name", "ref_no", "bank", "account_no", "lawyer_name", "licence_no", "contract_date"} {
					if !contains(fields, want) {
						t.Errorf("422 does not name %s: %v", want, fields)
					}
				}
				r = e.do("POST", "/api/v1/cases/"+c.ID+"/documents", admin, map[string]any{"template": "love_letter", "lang": "fr"})
				if fields := fieldNames(r.problem(t)); r.Status != 422 || !contains(fields, "lang") {
					t.Errorf("bad template/lang: %d %v", r.Status, fields)
				}
			})
			t.Run("OK", func(t *testing.T) {
				r := e.do("POST", "/api/v1/cases/"+c.ID+"/documents", admin, map[string]any{"template": "lawyer_letter", "lang": "zh-CN", "fields": letterFields})
				var d dossier.Document
				r.json(t, &d)
				if r.Status != 201 || d.Pages < 1 || d.SHA256 == "" {
					t.Fatalf("generate: %d %s", r.Status, r.Body)
				}
				pdf := e.do("GET", "/api/v1/documents/"+d.ID+"/pdf", admin, nil)
				sum := sha256.Sum256(pdf.Body)
				if pdf.Status != 200 || pdf.Header.Get("Content-Type") != "application/pdf" || hex.EncodeToString(sum[:]) != d.SHA256 {
					t.Fatalf("pdf: %d %s, sha mismatch", pdf.Status, pdf.Header.Get("Content-Type"))
				}
				// The record re-derives the same bytes.
				cs, _ := e.store.Case(context.Background(), c.ID)
				cs.Compute(dossier.DateOf(d.CreatedAt))
				again, err := svc.Engine.Render(d.Template, d.Lang, document.Input{Case: cs, Fields: d.Fields, Now: d.CreatedAt})
				if err != nil {
					t.Fatal(err)
				}
				sum = sha256.Sum256(again.PDF)
				if hex.EncodeToString(sum[:]) != d.SHA256 {
					t.Fatal("rendering the stored record again gives other bytes")
				}
				// Read back with an independent extractor.
				if _, err := exec.LookPath("pdftotext"); err != nil {
					testenv.Require(t, "poppler", "pdftotext not installed")
				}
				cmd := exec.Command("pdftotext", "-", "-")
				cmd.Stdin = strings.NewReader(string(pdf.Body))
				out, err := cmd.Output()
				if err != nil {
					t.Fatal(err)
				}
				text := strings.Join(strings.Fields(string(out)), "")
				for _, want := range []string{"律师函", "（2026）明律函字第18号", "张三", "386,500.00", "叁拾捌万陆仟伍佰元整", "13301201910123456", "第五百七十七条"} {
					if !strings.Contains(text, want) {
						t.Errorf("PDF text lacks %q", want)
					}
				}
				var list struct{ Total int }
				e.do("GET", "/api/v1/cases/"+c.ID+"/documents", admin, nil).json(t, &list)
				if list.Total != 1 {
					t.Fatalf("documents listed: %d", list.Total)
				}
			})
			t.Run("Readiness", func(t *testing.T) {
				var rep document.ReadinessReport
				r := e.do("GET", "/api/v1/cases/"+c.ID+"/readiness?for=payment_order_application", admin, nil)
				r.json(t, &rep)
				if r.Status != 200 || rep.Ready || len(rep.Missing) == 0 {
					t.Fatalf("readiness of an empty case: %d %s", r.Status, r.Body)
				}
				if r := e.do("GET", "/api/v1/cases/"+c.ID+"/readiness?for=divorce", admin, nil); r.Status != 422 {
					t.Fatalf("unknown document: %d", r.Status)
				}
			})
			t.Run("ErrNotFound", func(t *testing.T) {
				_, ext := e.user(admin, "firm2", dossier.RoleExternal)
				if r := e.do("GET", "/api/v1/cases/"+c.ID+"/documents", ext, nil); r.Status != 404 {
					t.Fatalf("outside firm lists documents of an ungranted case: %d", r.Status)
				}
				if r := e.do("GET", "/api/v1/documents/nope/pdf", admin, nil); r.Status != 404 {
					t.Fatalf("missing document: %d", r.Status)
				}
			})
		})
	}
}
