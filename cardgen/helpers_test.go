package cardgen

import (
	"errors"
	"io/fs"
	"os"
	"testing"
)

// MustFontSet loads a named font set. Without the Debian fonts (scripts/setup.sh)
// the test is skipped, unless CI or XIAOZHI_TEST_REQUIRE=1 says they must be there.
func MustFontSet(tb testing.TB, name string) *FontSet {
	tb.Helper()
	set, err := LoadFontSet(name)
	if err == nil {
		return set
	}
	if errors.Is(err, fs.ErrNotExist) && os.Getenv("CI") == "" && os.Getenv("XIAOZHI_TEST_REQUIRE") != "1" {
		tb.Skipf("fonts not installed (run scripts/setup.sh): %v", err)
	}
	tb.Fatal(err)
	return nil
}
