// Package browsertest starts headless Chromium for end-to-end tests of the pages Xiaozhi
// serves (the kiosk screen, the staff console), using the system's browser.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// New starts a browser with a profile of its own, so that two browsers in one test are two
// separate people. It skips tb when Chromium is missing, and fails it instead under CI or
// XIAOZHI_TEST_REQUIRE=1, where a skipped browser test must not pass for a green one. The
// browser lives until the test ends or timeout passes.
func New(tb testing.TB, width, height int, timeout time.Duration) context.Context {
	tb.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" || os.Getenv("XIAOZHI_TEST_REQUIRE") == "1" {
			tb.Fatal("chromium is required for the browser tests (scripts/setup.sh installs it)")
		}
		tb.Skip("chromium not installed")
	}
	// Not tb.TempDir: Chromium's helper processes may still write to the profile for a moment
	// after the browser has gone, and TempDir's cleanup fails the test on that.
	profile, err := os.MkdirTemp("", "xiaozhi-browser-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { removeEventually(profile) })
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(profile),
		// Without these Chromium keeps trying to reach Google's hosts, which this kind of
		// machine cannot reach.
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(width, height),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	tb.Cleanup(func() { cancelTimeout(); cancelBrowser(); cancelAlloc() })
	return ctx
}

func removeEventually(dir string) {
	for i := 0; i < 20; i++ {
		if os.RemoveAll(dir) == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Screenshot saves a full-page PNG as artifacts/<kind>/<name>.png at the repository's top,
// for people to look at after a run (the folder is not committed).
func Screenshot(kind, name string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var png []byte
		if err := chromedp.FullScreenshot(&png, 100).Do(ctx); err != nil {
			return err
		}
		dir := filepath.Join(repoRoot(), "artifacts", kind)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	})
}

// repoRoot is found from this file's location, so screenshots land in one place whichever
// package's test takes them.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}
