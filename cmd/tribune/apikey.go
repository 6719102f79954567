package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/store"
)

// runAPIKey manages the API keys site backends authenticate with:
//
//	tribune apikey create --db PATH --name NAME [--site SITE] [--scope site,score] [--rate N]
//	                                              prints the new key as the last line
//	tribune apikey list   --db PATH
//	tribune apikey revoke --db PATH ID
//
// SITE is a site's id or name (tribune site create); the default site when omitted.
func runAPIKey(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "usage: tribune apikey create|list|revoke [flags]")
		return errUsage
	}
	fs := newFlagSet("apikey "+args[0], e)
	dbPath := fs.String("db", envOr(e, "TRIBUNE_DB", "tribune.db"), "SQLite database `file` (env TRIBUNE_DB)")
	switch args[0] {
	case "create":
		name := fs.String("name", "", "a `name` for the key, e.g. the site it is for (required)")
		site := fs.String("site", "", "the `site` (id or name) whose data the key reaches; default: the default site")
		scope := fs.String("scope", "site,score", "`scopes`: site (the site's articles and comments), score (stateless scoring and the Perspective API)")
		rate := fs.Int("rate", 0, "requests per `minute` for this key; 0 = the server's default")
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		scopes, err := moderation.ParseScopes(*scope)
		if err != nil {
			return fmt.Errorf("apikey create: %w", err)
		}
		return withAccounts(ctx, *dbPath, func(svc *moderation.Service) error {
			st, err := svc.SiteByRef(ctx, *site)
			if err != nil {
				return fmt.Errorf("apikey create: %w", err)
			}
			key, k, err := svc.CreateSiteAPIKey(ctx, moderation.KeySpec{Name: *name, SiteID: st.ID, Scopes: scopes, RatePerMinute: *rate})
			if err != nil {
				return fmt.Errorf("apikey create: %w", err)
			}
			fmt.Fprintf(e.stdout, "created API key %d %q for site %q (%s); it is shown only this once:\n%s\n",
				k.ID, k.Name, st.Name, *scope, key)
			return nil
		})
	case "list":
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		return withAccounts(ctx, *dbPath, func(svc *moderation.Service) error {
			keys, err := svc.APIKeys(ctx)
			if err != nil {
				return fmt.Errorf("apikey list: %w", err)
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tPREFIX\tSITE\tSCOPES\tRATE/MIN\tCREATED\tREVOKED")
			for _, k := range keys {
				revoked := "-"
				if k.RevokedAt != nil {
					revoked = k.RevokedAt.Format("2006-01-02 15:04")
				}
				rate := "default"
				if k.RatePerMinute > 0 {
					rate = strconv.Itoa(k.RatePerMinute)
				}
				fmt.Fprintf(tw, "%d\t%s\t%s…\t%d\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Prefix, k.SiteID, scopeList(k.Scopes),
					rate, k.CreatedAt.Format("2006-01-02 15:04"), revoked)
			}
			return tw.Flush()
		})
	case "revoke":
		id, err := parseIDArg(fs, args[1:])
		if err != nil {
			return err
		}
		return withAccounts(ctx, *dbPath, func(svc *moderation.Service) error {
			if err := svc.RevokeAPIKey(ctx, id); err != nil {
				return fmt.Errorf("apikey revoke %d: %w", id, err)
			}
			fmt.Fprintf(e.stdout, "revoked API key %d\n", id)
			return nil
		})
	}
	fmt.Fprintf(e.stderr, "tribune apikey: unknown subcommand %q (create, list, revoke)\n", args[0])
	return errUsage
}

func scopeList(scopes []moderation.Scope) string {
	parts := make([]string, len(scopes))
	for i, sc := range scopes {
		parts[i] = string(sc)
	}
	return strings.Join(parts, ",")
}

// runSite manages sites:
//
//	tribune site create --db PATH --name NAME
//	tribune site list   --db PATH
func runSite(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "usage: tribune site create|list [flags]")
		return errUsage
	}
	fs := newFlagSet("site "+args[0], e)
	dbPath := fs.String("db", envOr(e, "TRIBUNE_DB", "tribune.db"), "SQLite database `file` (env TRIBUNE_DB)")
	switch args[0] {
	case "create":
		name := fs.String("name", "", "the site's `name`, e.g. its domain (required)")
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		return withAccounts(ctx, *dbPath, func(svc *moderation.Service) error {
			st, err := svc.CreateSite(ctx, *name)
			if err != nil {
				return fmt.Errorf("site create: %w", err)
			}
			fmt.Fprintf(e.stdout, "created site %d %q; give it a key with: tribune apikey create --site %d --name NAME\n",
				st.ID, st.Name, st.ID)
			return nil
		})
	case "list":
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		return withAccounts(ctx, *dbPath, func(svc *moderation.Service) error {
			sites, err := svc.Sites(ctx)
			if err != nil {
				return fmt.Errorf("site list: %w", err)
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tCREATED")
			for _, st := range sites {
				fmt.Fprintf(tw, "%d\t%s\t%s\n", st.ID, st.Name, st.CreatedAt.Format("2006-01-02 15:04"))
			}
			return tw.Flush()
		})
	}
	fmt.Fprintf(e.stderr, "tribune site: unknown subcommand %q (create, list)\n", args[0])
	return errUsage
}

// parseIDArg parses flags around one positional numeric ID ("revoke ID --db x" or "revoke --db x ID").
func parseIDArg(fs *flag.FlagSet, args []string) (int64, error) {
	if err := fs.Parse(args); err != nil {
		return 0, errUsage
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fmt.Fprintf(fs.Output(), "%s: missing ID\n", fs.Name())
		return 0, errUsage
	}
	id, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil || id <= 0 {
		fmt.Fprintf(fs.Output(), "%s: ID %q is not a positive integer\n", fs.Name(), rest[0])
		return 0, errUsage
	}
	if err := fs.Parse(rest[1:]); err != nil {
		return 0, errUsage
	}
	if len(fs.Args()) > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Args()[0])
		return 0, errUsage
	}
	return id, nil
}

// withAccounts opens the database (creating it when missing) and runs fn with a service for
// account management, closing the database afterwards.
func withAccounts(ctx context.Context, path string, fn func(*moderation.Service) error) (err error) {
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	svc, err := moderation.NewService(ctx, db, noModel{})
	if err != nil {
		return err
	}
	return fn(svc)
}

// noModel stands in for the classifier where nothing is scored (account management), so those
// commands do not pay for loading a model.
type noModel struct{}

func (noModel) Version() string { return "none" }

func (noModel) Assess(string, string) (moderation.Assessment, error) {
	return moderation.Assessment{}, errors.New("no model loaded")
}
