package bundle_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/blob/s3"
	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/render"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.Stop()
	os.Exit(code)
}

var admin = &dossier.Actor{User: &dossier.User{ID: "u-admin", Username: "admin", Role: dossier.RoleAdmin}}

// blobBackends runs fn on local disk and on MinIO.
func blobBackends(t *testing.T, fn func(t *testing.T, bs blob.Store)) {
	t.Run("disk", func(t *testing.T) { fn(t, diskStore(t)) })
	t.Run("minio", func(t *testing.T) { fn(t, minioStore(t)) })
}

func minioStore(tb testing.TB) blob.Store {
	tb.Helper()
	srv := testenv.MinIO(tb)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	cfg := s3.Config{Endpoint: srv.Endpoint, Bucket: "bundle-" + hex.EncodeToString(b),
		AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}
	// A freshly started MinIO may answer "Server not initialized yet" for a moment.
	for i := 0; ; i++ {
		s, err := s3.New(context.Background(), cfg)
		if err == nil {
			return s
		}
		if i == 50 {
			tb.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func diskStore(tb testing.TB) blob.Store {
	bs, err := disk.New(filepath.Join(tb.TempDir(), "blobs"))
	if err != nil {
		tb.Fatal(err)
	}
	return bs
}

// fixture is a case with evidence of every kind a bundle handles.
type fixture struct {
	store *sqlstore.DB
	blobs blob.Store
	svc   *bundle.Service
	c     *dossier.Case
	ev    []*dossier.Evidence
	bytes map[string][]byte // evidence ID → original bytes
}

var font *render.Font

func loadFont(tb testing.TB) *render.Font {
	if font == nil {
		f, err := render.LoadFont()
		if err != nil {
			tb.Fatal(err)
		}
		font = f
	}
	return font
}

func newFixture(tb testing.TB, url string, bs blob.Store) *fixture {
	tb.Helper()
	ctx := context.Background()
	if url == "" {
		url = filepath.Join(tb.TempDir(), "meta.db")
	}
	st, err := sqlstore.Open(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	now := time.Now().UTC()
	c := &dossier.Case{Number: "2026-HZ-0042", Title: "买卖合同货款纠纷",
		Creditor:  dossier.Party{Name: "杭州甲科技有限公司", Kind: dossier.PartyCompany},
		Debtor:    dossier.Party{Name: "宁波乙贸易有限公司", Kind: dossier.PartyCompany},
		Principal: 38650000, Currency: "CNY", DueDate: dossier.NewDate(2026, 5, 1),
		Stage: dossier.StageLitigation, CreatedBy: "u-admin", CreatedAt: now, UpdatedAt: now}
	if err := st.CreateCase(ctx, c); err != nil {
		tb.Fatal(err)
	}
	svc, err := bundle.New(bundle.Config{Cases: st, Evidence: st, Documents: st, Bundles: st, Blobs: bs, Font: loadFont(tb),
		WorkDir: filepath.Join(os.TempDir(), "dossier-bundle-test"), BaseURL: "https://dossier.example.com/"})
	if err != nil {
		tb.Fatal(err)
	}
	return &fixture{store: st, blobs: bs, svc: svc, c: c, bytes: map[string][]byte{}}
}

// add stores bytes as a new evidence item of the case.
func (f *fixture) add(tb testing.TB, kind dossier.EvidenceKind, title, filename, mediaType string, data []byte, mod func(*dossier.Evidence)) *dossier.Evidence {
	tb.Helper()
	ctx := context.Background()
	ref, err := f.blobs.Put(ctx, bytes.NewReader(data), "")
	if err != nil {
		tb.Fatal(err)
	}
	e := &dossier.Evidence{CaseID: f.c.ID, Kind: kind, Title: title, Filename: filename, MediaType: mediaType,
		Size: ref.Size, SHA256: ref.SHA256, Source: "债权人留存", TextStatus: dossier.TextNone,
		CreatedBy: "u-admin", CreatedAt: time.Now().UTC()}
	if mod != nil {
		mod(e)
	}
	if err := f.store.CreateEvidence(ctx, e); err != nil {
		tb.Fatal(err)
	}
	f.ev = append(f.ev, e)
	f.bytes[e.ID] = data
	return e
}

// addAll adds one item of each kind: a two-page PDF, a text file, a GB2312
// email, a PNG photo, a recording with a transcript and a damaged PDF.
func (f *fixture) addAll(tb testing.TB) {
	d := loadFont(tb).NewDoc(render.DocOptions{Title: "合同", PagePattern: "{current}/{total}", Created: time.Unix(0, 0)})
	d.Title("买卖合同")
	for i := 0; i < 60; i++ {
		d.Para("甲方向乙方供应货物，乙方应于收货后三十日内付清货款。Payment within 30 days.", "")
	}
	contract, pages, err := d.Bytes()
	if err != nil || pages < 2 {
		tb.Fatalf("contract pdf: %d pages, %v", pages, err)
	}
	f.add(tb, "contract", "买卖合同 HT-2026-0042", "合同.pdf", "application/pdf", contract, nil)
	f.add(tb, "statement", "对账单", "statement.txt", "text/plain",
		[]byte("对账单\n截至2026年6月30日，乙方尚欠货款人民币386,500.00元。\n\t双方确认无误。"), nil)
	f.add(tb, "email", "催款邮件", "催款.eml", "message/rfc822", gbEmail(tb), nil)
	f.add(tb, "photo", "送货单照片", "delivery.png", "image/png", pngBytes(tb), nil)
	audio := make([]byte, 300<<10)
	_, _ = rand.Read(audio)
	f.add(tb, "recording", "电话录音", "call.mp3", "audio/mpeg", audio, func(e *dossier.Evidence) {
		e.Transcript = "张三：货款下个月一定付清。"
	})
	f.add(tb, "other", "损坏的扫描件", "scan.pdf", "application/pdf", []byte("%PDF-1.4\nnot really a pdf"), nil)
}

func gbEmail(tb testing.TB) []byte {
	enc := func(s string) string {
		b, err := simplifiedchinese.GBK.NewEncoder().String(s)
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
	subj := "=?GB2312?B?" + base64.StdEncoding.EncodeToString([]byte(enc("货款催收通知"))) + "?="
	body := base64.StdEncoding.EncodeToString([]byte(enc("宁波乙贸易有限公司：\n请于2026年7月31日前支付欠款。")))
	var b strings.Builder
	b.WriteString("From: finance@jia.example.com\r\nTo: boss@yi.example.com\r\nSubject: " + subj + "\r\n")
	b.WriteString("Date: Mon, 6 Jul 2026 09:30:00 +0800\r\nMIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\n")
	b.WriteString("Content-Type: text/plain; charset=GB2312\r\nContent-Transfer-Encoding: base64\r\n\r\n" + body + "\r\n")
	b.WriteString("--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"invoice.pdf\"\r\n")
	b.WriteString("Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--XX--\r\n")
	return []byte(b.String())
}

func pngBytes(tb testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 240, 160))
	for x := 0; x < 240; x++ {
		for y := 0; y < 160; y++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// request asks for every evidence item of the fixture in order.
func (f *fixture) request(title string) *dossier.BundleRequest {
	r := &dossier.BundleRequest{Title: title}
	for i, e := range f.ev {
		r.Items = append(r.Items, dossier.BundleRequestItem{EvidenceID: e.ID, Purpose: "证明事实" + string(rune('A'+i))})
	}
	return r
}
