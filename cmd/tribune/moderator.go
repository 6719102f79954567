package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/tribune/tribune/moderation"
)

// runModerator manages moderator accounts:
//
//	tribune moderator add    --db PATH --name NAME [--role admin]   password from stdin or prompt
//	tribune moderator passwd --db PATH --name NAME                  same
//	tribune moderator list   --db PATH
//
// The password is read from standard input (its first line) when that is not a terminal, so
// scripts can pipe it in; on a terminal it is prompted for twice without echo.
func runModerator(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "usage: tribune moderator add|passwd|list [flags]")
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
			fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED")
			for _, m := range ms {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", m.ID, m.Name, m.Role, m.CreatedAt.Format("2006-01-02 15:04"))
			}
			return tw.Flush()
		})
	}
	fmt.Fprintf(e.stderr, "tribune moderator: unknown subcommand %q (add, passwd, list)\n", args[0])
	return errUsage
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
