package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/xiaozhi-kiosk/xiaozhi/rules"
)

// runDecide implements "xiaozhi decide [--rules DIR] [FILE|-]": one facts JSON in, the
// decision JSON out.
func runDecide(_ context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("decide", flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	dir := fs.String("rules", "", "directory that overrides the built-in rule sets (files by name, params.yaml)")
	fs.Usage = func() {
		fmt.Fprintln(e.Stderr, "Usage: xiaozhi decide [--rules DIR] [FILE|-]")
		fmt.Fprintln(e.Stderr, "Reads one facts JSON (SERVICES.md) from FILE or standard input and prints the decision.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return nil
		}
		return errUsage
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return errUsage
	}
	engine, err := loadRules(*dir)
	if err != nil {
		return err
	}
	in, name, err := openInput(e, fs.Arg(0))
	if err != nil {
		return err
	}
	defer in.Close()
	f, err := rules.DecodeFacts(in)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	d, err := engine.Decide(f)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	out := json.NewEncoder(e.Stdout)
	out.SetIndent("", "  ")
	out.SetEscapeHTML(false)
	return out.Encode(d)
}

// loadRules loads the built-in rule sets, overridden by dir when it is not empty.
func loadRules(dir string) (*rules.Engine, error) {
	if dir == "" {
		return rules.Default()
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("--rules %s: not a directory", dir)
	}
	return rules.Load(rules.Builtin(), os.DirFS(dir))
}

// openInput opens FILE, or standard input for "" and "-".
func openInput(e *env, arg string) (io.ReadCloser, string, error) {
	if arg == "" || arg == "-" {
		return io.NopCloser(e.Stdin), "stdin", nil
	}
	f, err := os.Open(arg)
	if err != nil {
		return nil, arg, err
	}
	return f, arg, nil
}
