package media

import (
	"bytes"
	"encoding/binary"
)

// exifOrientation returns the EXIF Orientation (1 to 8) of a JPEG, or 1
// when there is none or it cannot be read: a broken tag must not refuse a
// photo that decodes. Only this one tag is read, so a small parser over
// bounded slices does it; a full EXIF library would be more code to trust
// for a value that is thrown away with the rest of the metadata.
func exifOrientation(jpg []byte) int {
	tiff := exifSegment(jpg)
	if tiff == nil {
		return 1
	}
	if o := tiffOrientation(tiff); 1 <= o && o <= 8 {
		return o
	}
	return 1
}

// exifSegment walks a JPEG's marker segments up to the first scan and
// returns the TIFF data of the first APP1 "Exif" segment.
func exifSegment(jpg []byte) []byte {
	p := 2 // after SOI
	for p+4 <= len(jpg) {
		if jpg[p] != 0xff {
			return nil
		}
		marker := jpg[p+1]
		switch {
		case marker == 0xff: // fill byte
			p++
			continue
		case marker == 0xd8 || marker == 0x01 || 0xd0 <= marker && marker <= 0xd7:
			p += 2 // markers without a length
			continue
		case marker == 0xda || marker == 0xd9: // start of scan, end of image
			return nil
		}
		n := int(binary.BigEndian.Uint16(jpg[p+2:]))
		if n < 2 || p+2+n > len(jpg) {
			return nil
		}
		seg := jpg[p+4 : p+2+n]
		if marker == 0xe1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return seg[6:]
		}
		p += 2 + n
	}
	return nil
}

// tiffOrientation reads tag 0x0112 from the first IFD of TIFF data, or
// returns 0.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var order binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		order = binary.LittleEndian
	case "MM\x00*":
		order = binary.BigEndian
	default:
		return 0
	}
	ifd := int64(order.Uint32(t[4:]))
	if ifd+2 > int64(len(t)) {
		return 0
	}
	count := int64(order.Uint16(t[ifd:]))
	for i := range count {
		e := ifd + 2 + 12*i
		if e+12 > int64(len(t)) {
			return 0
		}
		const tagOrientation, typeShort = 0x0112, 3
		if order.Uint16(t[e:]) != tagOrientation {
			continue
		}
		if order.Uint16(t[e+2:]) != typeShort || order.Uint32(t[e+4:]) != 1 {
			return 0
		}
		return int(order.Uint16(t[e+8:])) // a SHORT sits left-aligned in the value field
	}
	return 0
}
