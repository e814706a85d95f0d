package api

import (
	"bytes"
	"image"
	"image/jpeg"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// reencodeQuality keeps the detail OCR needs: the reader's text is ~30 px tall on the
// rectified card and JPEG at 92 leaves glyph edges intact.
const reencodeQuality = 92

// reencode decodes an image that passed the upload gate and encodes it again as JPEG. The new
// file carries only pixels: EXIF (GPS position, phone model, time), XMP, ICC and any bytes
// appended after the image are gone, and the C libraries downstream see an image written by
// Go's encoder, not the client's bytes. The gate has checked the dimensions, so decoding
// cannot blow up memory.
func reencode(data []byte) ([]byte, error) {
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, kiosk.Errorf(kiosk.EUNREADABLE, "图片已损坏，无法读取，请重新拍摄。")
	}
	var out bytes.Buffer
	out.Grow(len(data))
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: reencodeQuality}); err != nil {
		return nil, kiosk.Errorf(kiosk.EUNREADABLE, "图片无法处理，请重新拍摄。")
	}
	return out.Bytes(), nil
}
