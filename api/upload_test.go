package api

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

func encodeJPEG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func encodePNG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	img.Set(1, 1, color.White)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// pngBomb returns a tiny PNG whose header claims w×h pixels: what a decompression bomb
// looks like to DecodeConfig. Its data is never inflated.
func pngBomb(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0 // 8-bit greyscale
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

func TestUploadGate(t *testing.T) {
	lim := UploadLimits{MaxBytes: 2 << 20, MaxPixels: 20_000_000, MinSide: 320}
	good := encodeJPEG(t, 800, 500)
	tests := []struct {
		name        string
		body        []byte
		contentType string
		wantCode    string
	}{
		{"jpeg", good, "image/jpeg", ""},
		{"png", encodePNG(t, 640, 480), "image/png", ""},
		{"jpeg claimed as png", good, "image/png", ""},
		{"empty", nil, "image/jpeg", kiosk.EINVALID},
		{"text", []byte("hello, this is not an image at all"), "image/jpeg", kiosk.EUNSUPPORTED},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "image/gif", kiosk.EUNSUPPORTED},
		{"truncated jpeg", good[:40], "image/jpeg", kiosk.EUNREADABLE},
		{"png bomb", pngBomb(20000, 20000), "image/png", kiosk.EUNREADABLE},
		{"too small", encodeJPEG(t, 100, 80), "image/jpeg", kiosk.EUNREADABLE},
		{"too large", append(append([]byte{}, good...), make([]byte, 3<<20)...), "image/jpeg", kiosk.ETOOLARGE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := gin.CreateTestContext(httptest.NewRecorder())
			c.Request = httptest.NewRequest("POST", "/upload", bytes.NewReader(tt.body))
			c.Request.Header.Set("Content-Type", tt.contentType)
			data, err := readImage(c, lim)
			if got := kiosk.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("code %q (%v), want %q", got, err, tt.wantCode)
			}
			if err == nil && !bytes.Equal(data, tt.body) {
				t.Fatal("the gate changed the image")
			}
			if err != nil && kiosk.ErrorMessage(err) == "" {
				t.Fatal("no message for the user")
			}
		})
	}
}

func TestUploadGateMultipart(t *testing.T) {
	lim := UploadLimits{MaxBytes: 2 << 20, MaxPixels: 20_000_000, MinSide: 320}
	img := encodeJPEG(t, 800, 500)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("image", "card.jpg")
	fw.Write(img)
	mw.Close()

	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("POST", "/upload", &body)
	c.Request.Header.Set("Content-Type", mw.FormDataContentType())
	data, err := readImage(c, lim)
	if err != nil || !bytes.Equal(data, img) {
		t.Fatalf("multipart upload: %v", err)
	}

	var wrong bytes.Buffer
	mw = multipart.NewWriter(&wrong)
	fw, _ = mw.CreateFormFile("photo", "card.jpg")
	fw.Write(img)
	mw.Close()
	c.Request = httptest.NewRequest("POST", "/upload", &wrong)
	c.Request.Header.Set("Content-Type", mw.FormDataContentType())
	if _, err := readImage(c, lim); kiosk.ErrorCode(err) != kiosk.EINVALID {
		t.Fatalf("wrong field name: %v", err)
	}
}
