package media

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"image"
	"image/draw"
	"io"
	"slices"

	"marquee"
)

// Limits bound what an upload may cost. A zero field means its default.
type Limits struct {
	MaxBytes  int64 // largest accepted file
	MaxPixels int   // largest accepted width × height, checked before decoding
	Widths    []int // rendition widths in pixels
}

// DefaultLimits are 10 MB, 40 megapixels (a large phone photo is about 12)
// and renditions 320, 640 and 1280 pixels wide.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 10 << 20, MaxPixels: 40_000_000, Widths: []int{320, 640, 1280}}
}

// withDefaults fills zero fields and sorts the widths, dropping duplicates
// and non-positive ones.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = d.MaxPixels
	}
	widths := slices.DeleteFunc(slices.Clone(l.Widths), func(w int) bool { return w <= 0 })
	if len(widths) == 0 {
		widths = d.Widths
	}
	slices.Sort(widths)
	l.Widths = slices.Compact(widths)
	return l
}

// Rendition is one encoded copy of an image at one width.
type Rendition struct {
	Width, Height int
	ContentType   string // "image/jpeg" or "image/png"
	Data          []byte
}

// Image is a processed upload, ready for Save.
//
// Hash is the hex SHA-256 of every rendition in order (width, height,
// content type, length and bytes of each), so it names exactly what gets
// served: identical uploads give identical renditions (Go's encoders and
// scalers are deterministic; only a replica on another CPU architecture,
// where the compiler may fuse floating-point steps differently, could
// store a second copy) and so identical keys, while any change to the
// pipeline (a new width, another JPEG quality) gives new keys instead of
// silently changing what an immutable, year-long cached URL returns.
type Image struct {
	Hash       string
	Renditions []Rendition // by increasing width; never empty
}

// Process validates and transforms one upload. It reads at most
// l.MaxBytes+1 bytes, accepts JPEG, PNG, GIF and WebP by their magic bytes
// alone, refuses more than l.MaxPixels from the header before decoding
// anything, turns a JPEG upright by its EXIF orientation, and re-encodes
// (which drops EXIF, GPS, XMP, comments and anything appended) at each of
// l.Widths narrower than the image, plus the image's own width capped at
// the largest of l.Widths. It never upscales. Photos become JPEG; PNG, GIF
// and transparent WebP become PNG. Failures are marquee EINVALID errors on
// field "file": media.empty, media.too_large, media.type_unsupported,
// media.too_many_pixels, media.corrupt.
//
// A 12-megapixel photo costs about 170 MB of allocations (240 MB if EXIF
// turns it) and about a second of one core; a 40-megapixel one about
// 280 MB (450 MB) and two seconds. Callers should bound how many uploads
// are processed at once.
func Process(r io.Reader, l Limits) (Image, error) {
	l = l.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, l.MaxBytes+1))
	if err != nil {
		return Image{}, marquee.Internal(fmt.Errorf("media: read upload: %w", err))
	}
	switch {
	case len(data) == 0:
		return Image{}, invalid("media.empty", nil)
	case int64(len(data)) > l.MaxBytes:
		return Image{}, invalid("media.too_large", nil)
	}
	f, ok := sniff(data)
	if !ok {
		return Image{}, invalid("media.type_unsupported", nil)
	}
	src, err := decode(f, data, l.MaxPixels)
	if err != nil {
		return Image{}, err
	}
	orientation := 1
	if f == formatJPEG {
		orientation = exifOrientation(data)
	}
	rends, err := render(src, orientation, outputType(f, src), l.Widths)
	if err != nil {
		return Image{}, marquee.Internal(fmt.Errorf("media: encode: %w", err))
	}
	return Image{Hash: hashRenditions(rends), Renditions: rends}, nil
}

// decode reads the header first and refuses an image over maxPixels before
// the decoder allocates its pixels: a few hundred bytes of PNG can claim
// 60000×60000 (14 GB as RGBA).
func decode(f format, data []byte, maxPixels int) (image.Image, error) {
	cfg, err := f.decodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, invalid("media.corrupt", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, invalid("media.corrupt", fmt.Errorf("media: %d×%d image", cfg.Width, cfg.Height))
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(maxPixels) {
		return nil, invalid("media.too_many_pixels", fmt.Errorf("media: %d×%d image", cfg.Width, cfg.Height))
	}
	img, err := f.decode(bytes.NewReader(data))
	if err != nil {
		return nil, invalid("media.corrupt", err)
	}
	// The decoders size their buffers from the same header DecodeConfig
	// read; this guards against one that does not.
	if b := img.Bounds(); b.Dx() > cfg.Width || b.Dy() > cfg.Height || b.Empty() {
		return nil, invalid("media.corrupt", fmt.Errorf("media: decoded %v, header said %d×%d", b, cfg.Width, cfg.Height))
	}
	if f == formatGIF {
		img = onScreen(img, cfg.Width, cfg.Height)
	}
	return img, nil
}

// onScreen places a GIF's first frame where it belongs on the GIF's
// logical screen, transparent around it; gif.Decode returns the frame alone.
func onScreen(frame image.Image, w, h int) image.Image {
	screen := image.Rect(0, 0, w, h)
	if frame.Bounds() == screen {
		return frame
	}
	m := image.NewNRGBA(screen)
	draw.Draw(m, frame.Bounds(), frame, frame.Bounds().Min, draw.Src)
	return m
}

// invalid is the error for a refused upload, with its cause for logs.
func invalid(messageID string, cause error) error {
	e := marquee.Invalid("file", messageID)
	e.Err = cause
	return e
}

// outputType keeps photos as JPEG and everything that may be drawn (PNG,
// GIF) or transparent as PNG.
func outputType(f format, img image.Image) string {
	switch f {
	case formatPNG, formatGIF:
		return "image/png"
	case formatWebP:
		if o, ok := img.(interface{ Opaque() bool }); ok && !o.Opaque() {
			return "image/png"
		}
	}
	return "image/jpeg"
}

// renditionWidths lists the widths to render for an image w pixels wide:
// each configured width below w, then w itself capped at the largest.
func renditionWidths(w int, widths []int) []int {
	full := min(w, widths[len(widths)-1])
	var out []int
	for _, x := range widths {
		if x < full {
			out = append(out, x)
		}
	}
	return append(out, full)
}

func hashRenditions(rends []Rendition) string {
	h := sha256.New()
	for _, r := range rends {
		fmt.Fprintf(h, "%d×%d %s ", r.Width, r.Height, r.ContentType)
		_ = binary.Write(h, binary.BigEndian, int64(len(r.Data)))
		h.Write(r.Data)
	}
	return hex.EncodeToString(h.Sum(nil))
}
