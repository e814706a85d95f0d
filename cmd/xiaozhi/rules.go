package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
)

// runRules implements "xiaozhi rules check [DIR]": load and type-check the rule sets (the
// built-in ones, overridden by DIR) and run their golden cases.
func runRules(_ context.Context, e *env, args []string) error {
	usage := func() {
		fmt.Fprintln(e.Stderr, "Usage: xiaozhi rules check [-v] [DIR]")
		fmt.Fprintln(e.Stderr, "Loads and type-checks the built-in rule sets, overridden by DIR (files by name,")
		fmt.Fprintln(e.Stderr, "params.yaml, golden/<MATTER>/*.json), and runs every golden case.")
	}
	if len(args) == 0 || args[0] != "check" {
		usage()
		return errUsage
	}
	fs := flag.NewFlagSet("rules check", flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	verbose := fs.Bool("v", false, "list every case, not only failures")
	fs.Usage = usage
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() > 1 {
		usage()
		return errUsage
	}
	engine, err := loadRules(fs.Arg(0))
	if err != nil {
		return err
	}
	source := "built-in rule sets"
	if fs.NArg() == 1 {
		source = "built-in rule sets overridden by " + fs.Arg(0)
	}
	fmt.Fprintf(e.Stdout, "%s: %d matters load and type-check\n", source, len(engine.Matters()))
	cases, err := engine.GoldenCases()
	if err != nil {
		return err
	}
	failed := 0
	for _, c := range cases {
		diff, err := engine.CheckGolden(c)
		switch {
		case err != nil:
			failed++
			fmt.Fprintf(e.Stdout, "FAIL %s: %v\n", c.Path, err)
		case diff != "":
			failed++
			fmt.Fprintf(e.Stdout, "FAIL %s: %s\n%s", c.Path, c.Description, indentLines(diff))
		case *verbose:
			fmt.Fprintf(e.Stdout, "ok   %s\n", c.Path)
		}
	}
	fmt.Fprintf(e.Stdout, "%d golden cases: %d passed, %d failed\n", len(cases), len(cases)-failed, failed)
	if failed > 0 {
		return fmt.Errorf("%d golden cases failed", failed)
	}
	return nil
}

func indentLines(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ") + "\n"
}
