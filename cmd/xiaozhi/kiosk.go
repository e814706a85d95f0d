package main

import (
	"context"
	"fmt"

	"github.com/xiaozhi-kiosk/xiaozhi/store"
)

const kioskUsage = `usage: xiaozhi kiosk add NAME      register a kiosk station and print its credential once
       xiaozhi kiosk revoke NAME   refuse the station from now on
       xiaozhi kiosk list          list stations`

// runKiosk handles "xiaozhi kiosk add|revoke|list": the kiosk stations of a hall.
func runKiosk(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.Stderr, kioskUsage)
		return errUsage
	}
	cfg, rest, err := loadConfig("kiosk "+args[0], e, args[1:], "database-url")
	if err != nil {
		return err
	}
	db := store.NewDB(cfg.DatabaseURL)
	if err := db.Open(ctx); err != nil {
		return err
	}
	defer db.Close()
	stations := store.NewStationStore(db)

	switch {
	case args[0] == "add" && len(rest) == 1:
		st, cred, err := stations.AddStation(ctx, rest[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stderr, "station %q registered (id %s). Its credential is shown only now:\n", st.Name, st.ID)
		fmt.Fprintln(e.Stdout, cred)
		return nil
	case args[0] == "revoke" && len(rest) == 1:
		if err := stations.RevokeStation(ctx, rest[0]); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "station %q revoked\n", rest[0])
		return nil
	case args[0] == "list" && len(rest) == 0:
		list, err := stations.Stations(ctx)
		if err != nil {
			return err
		}
		for _, st := range list {
			state := "active"
			if !st.Active() {
				state = "revoked " + st.RevokedAt.Format("2006-01-02 15:04")
			}
			fmt.Fprintf(e.Stdout, "%-24s %s  added %s  %s\n", st.Name, st.ID, st.CreatedAt.Format("2006-01-02"), state)
		}
		return nil
	}
	fmt.Fprintln(e.Stderr, kioskUsage)
	return errUsage
}
