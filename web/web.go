// Package web holds the browser pages the binary serves, embedded so that a kiosk PC needs
// nothing but the one executable: plain HTML, CSS and JavaScript, no build step, no CDN.
package web

import (
	"embed"
	"io/fs"
)

//go:embed kiosk/index.html kiosk/kiosk.css kiosk/kiosk.js
var kioskFiles embed.FS

// Kiosk returns the kiosk screen's files (index.html and its assets) at the root.
func Kiosk() fs.FS {
	sub, err := fs.Sub(kioskFiles, "kiosk")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}
