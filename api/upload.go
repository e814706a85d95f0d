package api

import (
	"bytes"
	"errors"
	"image"
	_ "image/jpeg" // registers the JPEG decoder for DecodeConfig
	_ "image/png"  // registers the PNG decoder for DecodeConfig
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// UploadLimits bound what an image upload may cost before any image library sees it.
type UploadLimits struct {
	MaxBytes  int64 // the body cap; beyond it 413
	MaxPixels int64 // width × height cap, checked from the header before decoding; beyond it 422
	MinSide   int   // smaller images cannot hold a readable card; below it 422
}

// DefaultUploadLimits fit phone photos (12–50 MP JPEGs of a few MB) and refuse decompression
// bombs: a 20 000 × 20 000 PNG of a few KB would need 1.6 GB to decode.
var DefaultUploadLimits = UploadLimits{MaxBytes: 15 << 20, MaxPixels: 50_000_000, MinSide: 320}

// readImage reads one image from the request body (raw, or the "image" part of a multipart
// form) through the upload gate: size, type by magic bytes (JPEG or PNG only, whatever the
// client claims), and dimensions from the header. It returns the bytes unchanged.
func readImage(c *gin.Context, lim UploadLimits) ([]byte, error) {
	body := http.MaxBytesReader(c.Writer, c.Request.Body, lim.MaxBytes)
	var src io.Reader = body
	if ct := c.ContentType(); ct == "multipart/form-data" {
		c.Request.Body = body
		f, _, err := c.Request.FormFile("image")
		if err != nil {
			if tooLarge(err) {
				return nil, errTooLarge(lim)
			}
			return nil, kiosk.Errorf(kiosk.EINVALID, "请在表单字段 image 中上传图片。")
		}
		defer f.Close()
		src = f
	}
	data, err := io.ReadAll(io.LimitReader(src, lim.MaxBytes+1))
	if tooLarge(err) || int64(len(data)) > lim.MaxBytes {
		return nil, errTooLarge(lim)
	} else if err != nil {
		return nil, kiosk.Errorf(kiosk.EINVALID, "图片上传不完整，请重试。")
	}
	return data, checkImage(data, lim)
}

func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

func errTooLarge(lim UploadLimits) error {
	return kiosk.Errorf(kiosk.ETOOLARGE, "图片太大（上限 %d MB），请压缩后重新上传。", lim.MaxBytes>>20)
}

// checkImage applies the type and dimension checks of the upload gate to bytes in memory.
func checkImage(data []byte, lim UploadLimits) error {
	if len(data) == 0 {
		return kiosk.Errorf(kiosk.EINVALID, "没有收到图片。")
	}
	if !isJPEG(data) && !isPNG(data) {
		return kiosk.Errorf(kiosk.EUNSUPPORTED, "只支持 JPEG 或 PNG 格式的照片。")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return kiosk.Errorf(kiosk.EUNREADABLE, "图片已损坏，无法读取，请重新拍摄。")
	}
	if int64(cfg.Width)*int64(cfg.Height) > lim.MaxPixels {
		return kiosk.Errorf(kiosk.EUNREADABLE, "图片像素过多（%d×%d），请使用正常尺寸的照片。", cfg.Width, cfg.Height)
	}
	if cfg.Width < lim.MinSide || cfg.Height < lim.MinSide {
		return kiosk.Errorf(kiosk.EUNREADABLE, "图片太小（%d×%d），看不清证件，请重新拍摄。", cfg.Width, cfg.Height)
	}
	return nil
}

func isJPEG(b []byte) bool { return len(b) > 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF }

func isPNG(b []byte) bool { return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) }
