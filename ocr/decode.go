package ocr

import (
	"bytes"
	"image"
	_ "image/gif" // decoders for image.DecodeConfig: the header check runs before OpenCV sees the bytes
	_ "image/jpeg"
	_ "image/png"

	"gocv.io/x/gocv"
	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/webp"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// Messages shown on the kiosk screen for unreadable input.
const (
	msgNotImage  = "无法读取图片，请上传 JPEG 或 PNG 格式的照片。"
	msgTooLarge  = "图片像素过大，请压缩后重新上传。"
	msgTruncated = "图片不完整，请重新拍摄或上传。"
)

// workLongSide is the long side the decoder aims for: enough for a card filling a fifth of the
// frame to keep ~1200 px, small enough to keep the quad search and warp cheap.
const workLongSide = 2400

// decode checks the header (format, dimensions, pixel limit) before any pixel is decoded, so a
// 20 000 × 20 000 PNG costs nothing, then decodes with OpenCV, reduced by 2, 4 or 8 when the
// photo is far larger than the reader needs. The caller closes the Mat. srcScale is the factor
// from decoded to original pixels.
func decode(data []byte, maxPixels int) (m gocv.Mat, srcScale int, err error) {
	if len(data) == 0 {
		return gocv.Mat{}, 0, kiosk.Errorf(kiosk.EUNREADABLE, msgNotImage)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return gocv.Mat{}, 0, kiosk.Errorf(kiosk.EUNREADABLE, msgNotImage)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxPixels/cfg.Height {
		return gocv.Mat{}, 0, kiosk.Errorf(kiosk.EUNREADABLE, msgTooLarge)
	}
	if format == "jpeg" && !jpegComplete(data) {
		return gocv.Mat{}, 0, kiosk.Errorf(kiosk.EUNREADABLE, msgTruncated)
	}
	flag, scale := gocv.IMReadColor, 1
	long := max(cfg.Width, cfg.Height)
	switch {
	case long >= 8*workLongSide:
		flag, scale = gocv.IMReadReducedColor8, 8
	case long >= 4*workLongSide:
		flag, scale = gocv.IMReadReducedColor4, 4
	case long >= 2*workLongSide:
		flag, scale = gocv.IMReadReducedColor2, 2
	}
	if format != "jpeg" {
		// OpenCV reduces only JPEG while decoding; other formats are resized after.
		flag, scale = gocv.IMReadColor, 1
	}
	m, err = gocv.IMDecode(data, flag)
	if err != nil || m.Empty() {
		m.Close()
		return gocv.Mat{}, 0, kiosk.Errorf(kiosk.EUNREADABLE, msgNotImage)
	}
	return m, scale, nil
}

// jpegComplete reports whether the last scan of a JPEG is followed by an end-of-image marker.
// libjpeg fills a truncated scan with grey and only warns, which would turn a broken upload
// into a confidently misread card. Markers cannot occur inside entropy-coded data (0xFF is
// stuffed), and an embedded thumbnail's own EOI precedes the main image's scans.
func jpegComplete(data []byte) bool {
	sos := bytes.LastIndex(data, []byte{0xFF, 0xDA})
	eoi := bytes.LastIndex(data, []byte{0xFF, 0xD9})
	return sos >= 0 && eoi > sos
}
