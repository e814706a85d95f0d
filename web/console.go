package web

import (
	"embed"
	"io/fs"
)

//go:embed console
var consoleFiles embed.FS

// Console returns the staff console's files (index.html and its assets) at the root.
func Console() fs.FS {
	sub, err := fs.Sub(consoleFiles, "console")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}
