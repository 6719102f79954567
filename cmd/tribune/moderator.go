package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/tribune/tribune/moderation"
)

// runModerator manages moderator accounts:
//
//	tribune moderator add    --db PATH --name NAME [--role admin]   password from stdin or prompt
//	tribune moderator passwd --db PATH --name NAME                  same
//	tribune moderator list   --db PATH
//	tribune moderator disable|enable|remove --db PATH --name NAME
//	tribune moderator role   --db PATH --name NAME --role moderator|admin
//	tribune moderator sites  --db PATH --name NAME --site 1,2   (--site "" : every site)
//	tribune moderator purge-sessions --db PATH
//
// passwd and disable end every session of the moderator at once; remove works only for a
// moderator with no decisions (the audit log keeps naming who decided): disable the others.
// The password is read from standard input (its first line) when that is not a terminal, so
// scripts can pipe it in; on a terminal it is prompted for twice without echo.
func runModerator(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "usage: tribune moderator add|passwd|list|disable|enable|role|sites|remove|purge-sessions [flags]")
		return errUsage
	}
	fs := newFlagSet("moderator "+args[0], e)
	dbPath := fs.String("db", envOr(e, "TRIBUNE_DB", "tribune.db"), "SQLite database `file` (env TRIBUNE_DB)")
	switch args[0] {
	case "add", "passwd":
		name := fs.String("name", "", "the moderator's login `name` (required)")
		role := fs.String("role", string(moderation.RoleModerator), "`role`: moderator or admin (add only)")
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		if *name == "" {
			fmt.Fprintf(e.stderr, "tribune moderator %s: --name is required\n", args[0])
			return errUsage
		}
		password, err := readPassword(e)
		if err != nil {
			return fmt.Errorf("moderator %s: %w", args[0], err)
		}
		return withAccounts(ctx, *dbPath, func(svc *moderation.Service) error {
			if args[0] == "passwd" {
				if err := svc.SetPassword(ctx, *name, password); err != nil {
					return fmt.Errorf("moderator passwd: %w", err)
				}
				fmt.Fprintf(e.stdout, "changed the password of %s\n", *name)
				return nil
			}
			m, err := svc.AddModerator(ctx, *name, password, moderation.Role(*role))
			if err != nil {
				return fmt.Errorf("moderator add: %w", err)
			}
			fmt.Fprintf(e.stdout, "added %s %q (id %d)\n", m.Role, m.Name, m.ID)
			return nil
		})
	case "list":
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		return withAccounts(ctx, *dbPath, func(svc *moderation.Service) error {
			ms, err := svc.Moderators(ctx)
			if err != nil {
				return fmt.Errorf("moderator list: %w", err)
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tROLE\tSTATUS\tSITES\tCREATED")
			for _, m := range ms {
				status, sites := "enabled", "all"
				if m.Disabled() {
					status = "disabled"
				}
				if len(m.Sites) > 0 {
					sites = fmt.Sprint(m.Sites)
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", m.ID, m.Name, m.Role, status, sites, m.CreatedAt.Format("2006-01-02 15:04"))
			}
			return tw.Flush()
		})
	case "disable", "enable", "remove", "role", "sites":
		return runModeratorChange(ctx, args, fs, dbPath, e)
	case "purge-sessions":
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		return withAccounts(ctx, *dbPath, func(svc *moderation.Service) error {
			n, err := svc.PurgeSessions(ctx)
			if err != nil {
				return fmt.Errorf("moderator purge-sessions: %w", err)
			}
			fmt.Fprintf(e.stdout, "deleted %d expired sessions\n", n)
			return nil
		})
	}
	fmt.Fprintf(e.stderr, "tribune moderator: unknown subcommand %q (add, passwd, list, disable, enable, role, sites, remove, purge-sessions)\n", args[0])
	return errUsage
}

// runModeratorChange runs the subcommands that change one existing account.
func runModeratorChange(ctx context.Context, args []string, fs *flag.FlagSet, dbPath *string, e env) error {
	name := fs.String("name", "", "the moderator's login `name` (required)")
	role := fs.String("role", "", "the new `role`: moderator or admin (role only)")
	sites := fs.String("site", "", "comma-separated site `ids` the moderator may see; empty: every site (sites only)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *name == "" {
		fmt.Fprintf(e.stderr, "tribune moderator %s: --name is required\n", args[0])
		return errUsage
	}
	return withAccounts(ctx, *dbPath, func(svc *moderation.Service) error {
		var err error
		var done string
		switch args[0] {
		case "disable":
			err, done = svc.SetModeratorEnabled(ctx, *name, false), "disabled %s and ended their sessions"
		case "enable":
			err, done = svc.SetModeratorEnabled(ctx, *name, true), "enabled %s"
		case "remove":
			err, done = svc.RemoveModerator(ctx, *name), "removed %s"
		case "role":
			err, done = svc.SetRole(ctx, *name, moderation.Role(*role)), "%s is now "+*role
		case "sites":
			var ids []int64
			for _, f := range strings.FieldsFunc(*sites, func(r rune) bool { return r == ',' || r == ' ' }) {
				id, perr := strconv.ParseInt(f, 10, 64)
				if perr != nil {
					return fmt.Errorf("moderator sites: %q is not a site id", f)
				}
				ids = append(ids, id)
			}
			err, done = svc.RestrictModerator(ctx, *name, ids), "%s may now see sites: "+cmpOr(*sites, "all")
		}
		if err != nil {
			return fmt.Errorf("moderator %s: %w", args[0], err)
		}
		fmt.Fprintf(e.stdout, done+"\n", *name)
		return nil
	})
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// readPassword prompts twice without echo on a terminal, else reads the first line of stdin.
func readPassword(e env) (string, error) {
	if readSecret, ok := secretReader(e); ok { // see cli.go: Ctrl-C ends the prompt
		fmt.Fprint(e.stderr, "Password: ")
		p1, err := readSecret()
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(e.stderr, "Repeat password: ")
		p2, err := readSecret()
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(p1) != string(p2) {
			return "", errors.New("the passwords do not match")
		}
		return string(p1), nil
	}
	if e.stdin == nil {
		return "", errors.New("no password: standard input is closed")
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	// Only the line ending is trimmed: spaces may be part of a password.
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input (pipe it in, e.g. printf '%s\\n' \"$PW\" | tribune moderator add ...)")
	}
	return line, nil
}
