package bundle_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// exifJPEG is a 200×100 JPEG, left half green and right half blue, whose
// EXIF Orientation tag is orientation (1 as stored, 3 upside down, 6 to be
// turned 90° clockwise, 8 counter-clockwise), as phone cameras write it.
func exifJPEG(t *testing.T, orientation uint16) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 200, 100))
	for x := 0; x < 200; x++ {
		for y := 0; y < 100; y++ {
			c := color.RGBA{0, 200, 0, 255}
			if x >= 100 {
				c = color.RGBA{0, 0, 220, 255}
			}
			img.Set(x, y, c)
		}
	}
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	// APP1 "Exif": big-endian TIFF header, one IFD with one SHORT entry.
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a")
	_ = binary.Write(&tiff, binary.BigEndian, uint32(8))
	_ = binary.Write(&tiff, binary.BigEndian, uint16(1))
	_ = binary.Write(&tiff, binary.BigEndian, []uint16{0x0112, 3})
	_ = binary.Write(&tiff, binary.BigEndian, uint32(1))
	_ = binary.Write(&tiff, binary.BigEndian, []uint16{orientation, 0})
	_ = binary.Write(&tiff, binary.BigEndian, uint32(0))
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write([]byte{0xFF, 0xD8, 0xFF, 0xE1})
	_ = binary.Write(&out, binary.BigEndian, uint16(len(payload)+2))
	out.Write(payload)
	out.Write(enc.Bytes()[2:]) // the encoded image without its SOI
	return out.Bytes()
}

// centroids renders one page of a PDF and returns where its green and its
// blue pixels lie on average (x, y in pixels from the top left).
func centroids(t *testing.T, pdf string, page int) (green, blue [2]float64) {
	t.Helper()
	dir := t.TempDir()
	tool(t, dir, "pdftoppm", "-r", "36", "-png", "-f", fmt.Sprint(page), "-l", fmt.Sprint(page), "-singlefile", pdf, "page")
	raw, err := os.ReadFile(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var gn, bn float64
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			r, g, b = r>>8, g>>8, b>>8
			switch {
			case g > 150 && r < 80 && b < 80:
				green[0], green[1], gn = green[0]+float64(x), green[1]+float64(y), gn+1
			case b > 150 && r < 80 && g < 80:
				blue[0], blue[1], bn = blue[0]+float64(x), blue[1]+float64(y), bn+1
			}
		}
	}
	if gn == 0 || bn == 0 {
		t.Fatalf("page %d shows no photo (%v green, %v blue pixels)", page, gn, bn)
	}
	return [2]float64{green[0] / gn, green[1] / gn}, [2]float64{blue[0] / bn, blue[1] / bn}
}

// TestPhotoOrientation: a phone photo is stored as the sensor read it, with
// an EXIF tag saying how to turn it; every viewer shows it turned. In the
// merged PDF it must stand as the photo does in a viewer, not lie on its
// side (a delivery note photographed upright would be unreadable).
func TestPhotoOrientation(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", diskStore(t))
	// Where the green (stored left) half must end up, relative to the blue.
	tests := []struct {
		name        string
		orientation uint16
		greenAbove  int // 1: above the blue, -1 below, 0 level with it
		greenLeft   int // 1: left of the blue, -1 right, 0 level with it
	}{
		{"OKAsStored", 1, 0, 1},
		{"OKUpsideDown", 3, 0, -1},
		{"OKTurnClockwise", 6, 1, 0},
		{"OKTurnCounterClockwise", 8, -1, 0},
	}
	req := &dossier.BundleRequest{Title: "送货单照片"}
	for _, tt := range tests {
		e := f.add(t, "photo", "送货单 "+tt.name, tt.name+".jpg", "image/jpeg", exifJPEG(t, tt.orientation), nil)
		req.Items = append(req.Items, dossier.BundleRequestItem{EvidenceID: e.ID, Purpose: "证明已送货"})
	}
	b, err := f.svc.Create(ctx, admin, f.c.ID, req)
	if err != nil {
		t.Fatal(err)
	}
	dir := unpack(t, download(t, f, b, "zh"))
	side := func(a, b float64) int {
		switch {
		case a < b-5:
			return 1
		case a > b+5:
			return -1
		}
		return 0
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := b.Items[i]
			if !it.Merged || it.Pages != 1 {
				t.Fatalf("photo not merged as one page: %+v", it)
			}
			g, bl := centroids(t, filepath.Join(dir, "01-bundle.pdf"), it.PageFrom)
			if above, left := side(g[1], bl[1]), side(g[0], bl[0]); above != tt.greenAbove || left != tt.greenLeft {
				t.Fatalf("orientation %d: green half at %.0f,%.0f, blue at %.0f,%.0f (above %d, left %d; want %d, %d)",
					tt.orientation, g[0], g[1], bl[0], bl[1], above, left, tt.greenAbove, tt.greenLeft)
			}
		})
	}
}
