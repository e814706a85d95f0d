// Command xiaozhi is the one Xiaozhi binary: the service and its operator commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// env is what a subcommand may touch of the outside world; tests pass their own.
type env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// command is one subcommand. run returns an error whose text is printed as a one-line reason.
type command struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// commands is the table of contents of the binary.
var commands = map[string]command{
	"serve":      {"run the service (HTTP API, kiosk screen, staff console)", runServe},
	"migrate":    {"apply database migrations and exit", runMigrate},
	"version":    {"print the version", runVersion},
	"decide":     {"decide one case: facts JSON in, decision JSON out", runDecide},
	"rules":      {"check the rule sets and run their golden cases: rules check [DIR]", runRules},
	"capture":    {"grab one auto-captured frame from the document camera", runCapture},
	"registry":   {"import the bureau's records: registry import FILE.json", runRegistry},
	"kiosk":      {"manage kiosk stations: kiosk add|revoke|list", runKiosk},
	"staff":      {"manage counter staff: staff add NAME --role ROLE|disable|enable|list", runStaff},
	"ocr":        {"read documents from image files and print JSON", runOCR},
	"ocr-eval":   {"measure the reader on a directory of images with truth.jsonl", runOCREval},
	"pass":       {"electronic passes: pass verify TOKEN | keygen | revoke NUMBER | demo-photos DIR", runPass},
	"ocr-worker": {"read documents for serve's OCR pool over stdin/stdout (started by serve)", runOCRWorker},
}

// errUsage marks an error whose message already explains correct usage; exit code 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and turns its error into an exit code and one line.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.Stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.Stderr, "xiaozhi: unknown command %q (see 'xiaozhi help')\n", args[0])
		return 2
	}
	if err := cmd.run(ctx, e, args[1:]); err != nil {
		if errors.Is(err, errUsage) {
			return 2
		}
		fmt.Fprintf(e.Stderr, "xiaozhi %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: xiaozhi COMMAND [options]")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-16s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'xiaozhi COMMAND -h' for a command's options.")
}
