package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
)

const staffUsage = `usage: xiaozhi staff add NAME --role clerk|supervisor|admin   (password on standard input)
       xiaozhi staff disable NAME   end the account's sessions and consoles, refuse logins
       xiaozhi staff enable NAME
       xiaozhi staff list`

// runStaff handles "xiaozhi staff add|disable|enable|list": the counter staff's accounts.
// The password is read from standard input, never from a flag or the environment, so it
// lands in neither shell history nor process listings.
func runStaff(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.Stderr, staffUsage)
		return errUsage
	}
	verb, rest := args[0], args[1:]
	// NAME comes before the flags ("staff add wang --role clerk"); the flag package stops at
	// the first positional argument, so take it out first.
	var name string
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		name, rest = rest[0], rest[1:]
	}
	role := ""
	cfg, extra, err := loadStaffConfig(e, verb, rest, &role)
	if err != nil {
		return err
	}
	if len(extra) > 0 || (verb == "list") != (name == "") {
		fmt.Fprintln(e.Stderr, staffUsage)
		return errUsage
	}
	db := store.NewDB(cfg.DatabaseURL)
	if err := db.Open(ctx); err != nil {
		return err
	}
	defer db.Close()
	staff, audit := store.NewStaffStore(db), store.NewAuditLog(db)
	auth := kiosk.NewStaffAuth(staff, audit, nil)

	switch verb {
	case "add":
		password, err := readPassword(e)
		if err != nil {
			return err
		}
		st, err := staff.AddStaff(ctx, name, kiosk.Role(role), password)
		if err := audit.Record(ctx, kiosk.AuditEntry{Actor: "cli", Action: kiosk.AuditAddStaff, Outcome: outcome(err), Detail: "account:" + st.ID}); err != nil {
			return err
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "staff %q added (id %s, role %s)\n", st.Name, st.ID, st.Role)
	case "disable", "enable":
		if _, err := auth.SetDisabled(ctx, "cli", name, verb == "disable"); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "staff %q %sd\n", name, verb)
	case "list":
		list, err := staff.ListStaff(ctx)
		if err != nil {
			return err
		}
		for _, st := range list {
			state := "active"
			if !st.Active() {
				state = "disabled " + st.DisabledAt.Format("2006-01-02 15:04")
			}
			fmt.Fprintf(e.Stdout, "%-24s %s  %-10s %s\n", st.Name, st.ID, st.Role, state)
		}
	default:
		fmt.Fprintln(e.Stderr, staffUsage)
		return errUsage
	}
	return nil
}

func loadStaffConfig(e *env, verb string, args []string, role *string) (Config, []string, error) {
	if verb != "add" {
		return loadConfig("staff "+verb, e, args, "database-url")
	}
	// --role is this command's own flag; split it off before the shared settings parse.
	*role = string(kiosk.RoleClerk)
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--role" || a == "-role" {
			if i+1 == len(args) {
				return Config{}, nil, fmt.Errorf("--role needs a value")
			}
			*role = args[i+1]
			i++
		} else if v, ok := strings.CutPrefix(a, "--role="); ok {
			*role = v
		} else {
			rest = append(rest, a)
		}
	}
	return loadConfig("staff add", e, rest, "database-url")
}

// readPassword reads one line from standard input: typed at a prompt or piped from a
// password manager.
func readPassword(e *env) (string, error) {
	fmt.Fprint(e.Stderr, "password (10 to 128 characters): ")
	line, err := bufio.NewReader(e.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("no password on standard input")
	}
	fmt.Fprintln(e.Stderr)
	return strings.TrimRight(line, "\r\n"), nil
}

func outcome(err error) string {
	if err != nil {
		return kiosk.ErrorCode(err)
	}
	return "ok"
}
