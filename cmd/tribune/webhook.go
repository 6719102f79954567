package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/store"
)

// runWebhook manages the endpoints verdicts and decisions are delivered to:
//
//	tribune webhook add --url URL [--secret S] [--scope key:N]   prints the secret
//	tribune webhook list
//	tribune webhook remove ID
//	tribune webhook deliveries ID                                 the delivery log
//
// A running server picks up changes on its next poll.
func runWebhook(ctx context.Context, args []string, e env) (err error) {
	if len(args) == 0 || !contains(groups["webhook"], args[0]) {
		fmt.Fprintln(e.stderr, "usage: tribune webhook add|list|remove|deliveries [flags] (tribune webhook -h)")
		return errUsage
	}
	sub := args[0]
	fs := newFlagSet("webhook "+sub, e)
	dbPath := fs.String("db", envOr(e, "TRIBUNE_DB", "tribune.db"), "SQLite database `file` (env TRIBUNE_DB)")
	var hookURL, secret, scope *string
	limit := 20
	switch sub {
	case "add":
		hookURL = fs.String("url", "", "the receiver's `URL` (required)")
		secret = fs.String("secret", "", "the HMAC `secret` the receiver verifies with, 16+ characters (default: a new random one, printed)")
		scope = fs.String("scope", "", "deliver only comments submitted in this `scope`, e.g. key:3 for API key 3 (default: all)")
	case "deliveries":
		fs.IntVar(&limit, "limit", limit, "show the latest `N` deliveries")
	}
	pos, err := parseArgs(fs, args[1:])
	if err != nil {
		return err
	}
	var id int64
	if sub == "remove" || sub == "deliveries" {
		if len(pos) != 1 {
			fmt.Fprintf(e.stderr, "tribune webhook %s: want one ID\n", sub)
			return errUsage
		}
		if id, err = strconv.ParseInt(pos[0], 10, 64); err != nil || id <= 0 {
			fmt.Fprintf(e.stderr, "tribune webhook %s: ID %q is not a positive integer\n", sub, pos[0])
			return errUsage
		}
	} else if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "tribune webhook %s: unexpected argument %q\n", sub, pos[0])
		return errUsage
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	switch sub {
	case "add":
		return addWebhook(ctx, db, moderation.Webhook{URL: *hookURL, Secret: *secret, Scope: *scope}, e)
	case "list":
		return listWebhooks(ctx, db, e)
	case "remove":
		if err := db.RemoveWebhook(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "removed webhook %d\n", id)
		return nil
	default:
		return listDeliveries(ctx, db, id, limit, e)
	}
}

func addWebhook(ctx context.Context, db *store.DB, w moderation.Webhook, e env) error {
	if w.Secret == "" {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		w.Secret = hex.EncodeToString(b)
	}
	if err := moderation.ValidateWebhook(w); err != nil {
		return fmt.Errorf("webhook add: %w", err)
	}
	w, err := db.AddWebhook(ctx, w)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "added webhook %d to %s, delivering events after %d; its signing secret:\n%s\n", w.ID, w.URL, w.Cursor, w.Secret)
	return nil
}

func listWebhooks(ctx context.Context, db *store.DB, e env) error {
	hooks, err := db.Webhooks(ctx)
	if err != nil {
		return err
	}
	last, err := db.LastEventID(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tURL\tSCOPE\tCURSOR\tBACKLOG\tFAILURES\tLAST ERROR")
	for _, w := range hooks {
		scope := w.Scope
		if scope == "" {
			scope = "*"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%d\t%s\n", w.ID, w.URL, scope, w.Cursor, max(0, last-w.Cursor), w.Attempts, w.LastError)
	}
	return tw.Flush()
}

func listDeliveries(ctx context.Context, db *store.DB, id int64, limit int, e env) error {
	ds, err := db.Deliveries(ctx, id, limit)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "AT\tEVENTS\tATTEMPT\tSTATUS\tMS\tERROR")
	for _, d := range ds {
		fmt.Fprintf(tw, "%s\t%d-%d\t%d\t%d\t%d\t%s\n", d.CreatedAt.Format("2006-01-02 15:04:05"), d.FirstEvent, d.LastEvent,
			d.Attempt, d.Status, d.Duration.Milliseconds(), d.Error)
	}
	return tw.Flush()
}
