// Package pickupqrtest reads QR codes back for tests, with
// github.com/makiuchi-d/gozxing (pure Go), so a test can check that the
// code an attendee is shown carries their order's pick-up token. Only tests
// import it.
package pickupqrtest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

// Read returns the text of the QR code that fills img (with its quiet
// zone), failing the test when there is none.
func Read(t testing.TB, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true}
	res, err := zxingqr.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		t.Fatalf("pickupqrtest: no QR code read: %v", err)
	}
	return res.GetText()
}

// ReadPNG is Read for a PNG file's bytes.
func ReadPNG(t testing.TB, data []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("pickupqrtest: not a PNG: %v", err)
	}
	return Read(t, img)
}

// Y4M is img centred on a white w×h frame (even sides) as a one-frame
// YUV4MPEG2 video, 4:2:0 in full range, for Chromium's fake camera:
// --use-fake-device-for-media-stream --use-file-for-fake-video-capture=FILE.y4m
// (the file's frame is shown again and again).
func Y4M(img image.Image, w, h int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "YUV4MPEG2 W%d H%d F10:1 Ip A1:1 C420jpeg\nFRAME\n", w, h)
	bounds := img.Bounds()
	left, top := (w-bounds.Dx())/2, (h-bounds.Dy())/2
	for y := range h {
		for x := range w {
			luma := byte(255)
			p := image.Pt(x-left, y-top).Add(bounds.Min)
			if p.In(bounds) {
				luma = color.GrayModel.Convert(img.At(p.X, p.Y)).(color.Gray).Y
			}
			b.WriteByte(luma)
		}
	}
	b.Write(bytes.Repeat([]byte{128}, 2*(w/2)*(h/2))) // no colour: U and V planes at their middle
	return b.Bytes()
}
