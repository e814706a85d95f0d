package main

import (
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/xiaozhi-kiosk/xiaozhi/store"
)

// runRegistry handles "xiaozhi registry import FILE": validates and upserts bureau records.
func runRegistry(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprintln(e.Stderr, "usage: xiaozhi registry import [--database-url URL] FILE.json")
		return errUsage
	}
	cfg, rest, err := loadConfig("registry import", e, args[1:], "database-url", "mode")
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fmt.Fprintln(e.Stderr, "usage: xiaozhi registry import [--database-url URL] FILE.json")
		return errUsage
	}
	sealer, _, err := cfg.sealer()
	if err != nil {
		return err
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	defer f.Close()

	db := store.NewDB(cfg.DatabaseURL)
	if err := db.Open(ctx); err != nil {
		return err
	}
	defer db.Close()
	rep, err := store.NewRegistry(db, sealer).Import(ctx, f)
	if err != nil {
		return err
	}
	kinds := make([]string, 0, len(rep.Imported))
	total := 0
	for k, n := range rep.Imported {
		kinds = append(kinds, k)
		total += n
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(e.Stdout, "%-20s %d\n", k, rep.Imported[k])
	}
	fmt.Fprintf(e.Stdout, "imported %d records, refused %d\n", total, len(rep.Errors))
	for _, msg := range rep.Errors {
		fmt.Fprintln(e.Stderr, "refused:", msg)
	}
	if len(rep.Errors) > 0 {
		return fmt.Errorf("%d records refused", len(rep.Errors))
	}
	return nil
}
