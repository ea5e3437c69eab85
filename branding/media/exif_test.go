package media

import (
	"encoding/binary"
	"testing"
)

// app1 wraps TIFF data in an APP1 EXIF segment after SOI, then a scan.
func app1(tiff []byte) []byte {
	seg := []byte{0xff, 0xd8, 0xff, 0xe1}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(tiff)+8))
	seg = append(seg, "Exif\x00\x00"...)
	seg = append(seg, tiff...)
	return append(seg, 0xff, 0xda, 0, 2, 0xff, 0xd9)
}

// tiffWith is little-endian TIFF data whose first IFD has one entry.
func tiffWith(tag, typ uint16, count uint32, value uint16) []byte {
	b := []byte("II*\x00\x08\x00\x00\x00\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, tag)
	b = binary.LittleEndian.AppendUint16(b, typ)
	b = binary.LittleEndian.AppendUint32(b, count)
	b = binary.LittleEndian.AppendUint16(b, value)
	return append(b, 0, 0, 0, 0, 0, 0)
}

func TestExifOrientation(t *testing.T) {
	for _, tc := range []struct {
		name string
		jpg  []byte
		want int
	}{
		{"an orientation of 6 is read", app1(tiffWith(0x0112, 3, 1, 6)), 6},
		{"big-endian TIFF is read", app1([]byte("MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x08\x00\x00\x00\x00\x00\x00")), 8},
		{"the segment may follow APP0 and fill bytes", append([]byte{0xff, 0xd8, 0xff, 0xe0, 0, 4, 'J', 'F', 0xff}, app1(tiffWith(0x0112, 3, 1, 3))[2:]...), 3},
		{"no EXIF means upright", []byte{0xff, 0xd8, 0xff, 0xd9}, 1},
		{"EXIF after the scan starts is ignored", append([]byte{0xff, 0xd8, 0xff, 0xda, 0, 2}, app1(tiffWith(0x0112, 3, 1, 6))[2:]...), 1},
		{"another tag is not the orientation", app1(tiffWith(0x0110, 3, 1, 6)), 1},
		{"an orientation that is not a SHORT is ignored", app1(tiffWith(0x0112, 4, 1, 6)), 1},
		{"an orientation with a count of 2 is ignored", app1(tiffWith(0x0112, 3, 2, 6)), 1},
		{"an orientation out of range is ignored", app1(tiffWith(0x0112, 3, 1, 9)), 1},
		{"an IFD offset past the end is ignored", app1([]byte("II*\x00\xff\xff\xff\x7f")), 1},
		{"an entry count past the end is ignored", app1([]byte("II*\x00\x08\x00\x00\x00\xff\xff")), 1},
		{"an unknown byte order is ignored", app1([]byte("XX*\x00\x08\x00\x00\x00\x00\x00")), 1},
		{"a segment length past the end is ignored", []byte{0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, 'E'}, 1},
		{"a segment length below two is ignored", []byte{0xff, 0xd8, 0xff, 0xe1, 0, 1, 0xff, 0xd9}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := exifOrientation(tc.jpg); got != tc.want {
				t.Errorf("exifOrientation = %d, want %d", got, tc.want)
			}
		})
	}
}

// FuzzExifOrientation checks that no input makes the parser panic or
// return something other than an orientation.
func FuzzExifOrientation(f *testing.F) {
	f.Add(app1(tiffWith(0x0112, 3, 1, 6)))
	f.Add(app1([]byte("MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x08\x00\x00\x00\x00\x00\x00")))
	f.Add([]byte{0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, jpg []byte) {
		if o := exifOrientation(jpg); o < 1 || o > 8 {
			t.Fatalf("exifOrientation = %d", o)
		}
	})
}

func TestCheckKey(t *testing.T) {
	for _, k := range []string{
		"0b7e8f3c-4f1d-4c55-9a43-0d6c3e1f2a10/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/640.jpg",
		"a", "a/b.c/d-e", "a..b/c",
	} {
		if err := CheckKey(k); err != nil {
			t.Errorf("CheckKey(%q) = %v, want nil", k, err)
		}
	}
}
