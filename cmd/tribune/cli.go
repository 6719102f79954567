package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"sync"

	"golang.org/x/term"
)

// groups lists the commands that take a subcommand, and their subcommands in help order.
var groups = map[string][]string{
	"apikey":    {"create", "list", "revoke"},
	"site":      {"create", "list"},
	"moderator": {"add", "passwd", "list", "disable", "enable", "role", "sites", "remove", "purge-sessions"},
	"model":     {"list", "import", "activate", "compare"},
	"feedback":  {"export"},
	"webhook":   {"add", "list", "remove", "deliveries"},
}

// positionalArgs names the positional arguments of each flag set (by its name without the
// "tribune " prefix), for usage lines.
var positionalArgs = map[string]string{
	"import":             "FILE...",
	"model import":       "FILE",
	"model activate":     "VERSION|embedded",
	"apikey revoke":      "ID",
	"webhook remove":     "ID",
	"webhook deliveries": "ID",
	"backup":             "DEST",
}

// databaseCommands are the commands that work on an existing database: a --db that names no
// file is a mistake (a typo would otherwise create and report on an empty database). serve,
// import and init create it.
var databaseCommands = map[string]bool{
	"apikey": true, "site": true, "moderator": true, "model": true, "feedback": true, "rescore": true,
	"export-decisions": true, "backup": true, "webhook": true,
}

// isHelpFlag reports whether arg asks for help.
func isHelpFlag(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// wantsHelp reports whether args ask for help before a "--" that ends the flags.
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if isHelpFlag(a) {
			return true
		}
	}
	return false
}

// commandHelp prints a command's usage to stdout and succeeds. A group command without a known
// subcommand lists its subcommands with the usage of each; any other command prints the usage
// its flag set writes when it parses "-h".
func commandHelp(ctx context.Context, c command, name string, args []string, e env) error {
	e.stderr = e.stdout // asked-for help is output, not an error
	if subs, ok := groups[name]; ok && (len(args) == 0 || !contains(subs, args[0])) {
		fmt.Fprintf(e.stdout, "usage: tribune %s <%s> [flags] [arguments]\n\n%s\n", name, strings.Join(subs, "|"), c.summary)
		for _, sub := range subs {
			fmt.Fprintln(e.stdout)
			if err := c.run(ctx, []string{sub, "-h"}, e); err != nil && !isUsageErr(err) {
				return err
			}
		}
		return nil
	}
	if err := c.run(ctx, args, e); err != nil && !isUsageErr(err) {
		return err
	}
	return nil
}

func isUsageErr(err error) bool { return errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// parseArgs parses flags placed anywhere among the positional arguments ("import a.jsonl --db
// x" and "import --db x a.jsonl" mean the same) and returns the positional arguments in order.
// Everything after "--" is positional. The standard flag package stops at the first
// positional argument, so parsing resumes after each one.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// fs.Parse consumed a "--" when it ended the flags; then everything left is positional.
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// printUsage writes "usage: NAME [flags] ARGS" and the flags. Unlike flag.PrintDefaults it
// leaves out the "(default …)" suffix when the description already states its default.
func printUsage(fs *flag.FlagSet, positional string) {
	w := fs.Output()
	line := fs.Name() + " [flags]"
	if positional != "" {
		line += " " + positional
	}
	fmt.Fprintf(w, "usage: %s\n", line)
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if first {
			fmt.Fprintln(w, "\nflags:")
			first = false
		}
		name, desc := flag.UnquoteUsage(f)
		head := "  --" + f.Name
		if name != "" {
			head += " " + name
		}
		def := ""
		if !strings.Contains(desc, "(default") && !isZeroDefault(f) {
			def = fmt.Sprintf(" (default %s)", quoteDefault(f))
		}
		fmt.Fprintf(w, "%s\n    \t%s%s\n", head, strings.ReplaceAll(desc, "\n", "\n    \t"), def)
	})
}

// isZeroDefault reports whether a flag's default is its type's zero value, which is not worth
// printing.
func isZeroDefault(f *flag.Flag) bool {
	t := reflect.TypeOf(f.Value)
	var z reflect.Value
	if t.Kind() == reflect.Pointer {
		z = reflect.New(t.Elem())
	} else {
		z = reflect.Zero(t)
	}
	zero, ok := z.Interface().(flag.Value)
	if !ok {
		return f.DefValue == ""
	}
	return f.DefValue == zero.String() || f.DefValue == ""
}

func quoteDefault(f *flag.Flag) string {
	if _, ok := f.Value.(interface{ IsBoolFlag() bool }); ok {
		return f.DefValue
	}
	if strings.Contains(reflect.TypeOf(f.Value).String(), "string") {
		return fmt.Sprintf("%q", f.DefValue)
	}
	return f.DefValue
}

// databaseFlag returns the database a command's arguments name: the last --db (or -db, with
// "=" or a separate value) before "--", else TRIBUNE_DB, else tribune.db, as every command's
// flag set defaults it.
func databaseFlag(args []string, e env) string {
	path := envOr(e, "TRIBUNE_DB", "tribune.db")
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		switch {
		case name == a:
		case name == "db" && i+1 < len(args):
			path = args[i+1]
			i++
		case strings.HasPrefix(name, "db="):
			path = strings.TrimPrefix(name, "db=")
		}
	}
	return path
}

// checkDatabase fails when a command that works on an existing database names one that does
// not exist.
func checkDatabase(cmd string, args []string, e env) error {
	if !databaseCommands[cmd] {
		return nil
	}
	if subs, ok := groups[cmd]; ok && (len(args) == 0 || !contains(subs, args[0])) {
		return nil // the command explains its usage
	}
	path := databaseFlag(args, e)
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%s: database %s does not exist (check --db or TRIBUNE_DB; 'tribune init --db %s' creates an empty one)", cmd, path, path)
		}
		return fmt.Errorf("%s: %w", cmd, err)
	}
	return nil
}

// ctxReader is a reader whose Read returns ctx's error as soon as ctx ends, even while the
// underlying read (a terminal, a pipe) is still blocked. Such a read goes on in its goroutine
// and its result is dropped; the command is stopping anyway.
type ctxReader struct {
	ctx context.Context
	r   io.Reader

	mu  sync.Mutex // serialises Reads; buf is only touched by one read at a time
	buf []byte
}

type readResult struct {
	n   int
	err error
}

// Read implements io.Reader.
func (r *ctxReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if cap(r.buf) < len(p) {
		r.buf = make([]byte, len(p))
	}
	// A read left blocked by a cancelled ctx may still write into the old buffer, so a new
	// one is used after cancellation; before it, the buffer is reused.
	buf := r.buf[:len(p)]
	done := make(chan readResult, 1)
	go func() {
		n, err := r.r.Read(buf)
		done <- readResult{n, err}
	}()
	select {
	case res := <-done:
		return copy(p, buf[:res.n]), res.err
	case <-r.ctx.Done():
		r.buf = nil
		return 0, r.ctx.Err()
	}
}

// terminalFile returns standard input's file when it is a terminal.
func terminalFile(e env) (*os.File, context.Context, bool) {
	ctx := context.Background()
	in := e.stdin
	if cr, ok := in.(*ctxReader); ok {
		in, ctx = cr.r, cr.ctx
	}
	f, ok := in.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, nil, false
	}
	return f, ctx, true
}

// secretReader returns, when standard input is a terminal, a function that reads one line
// without echo and gives up when the command's context ends (restoring the terminal's echo).
func secretReader(e env) (func() ([]byte, error), bool) {
	f, ctx, ok := terminalFile(e)
	if !ok {
		return nil, false
	}
	return func() ([]byte, error) {
		fd := int(f.Fd())
		state, err := term.GetState(fd)
		if err != nil {
			return nil, fmt.Errorf("terminal: %w", err)
		}
		done := make(chan struct {
			b   []byte
			err error
		}, 1)
		go func() {
			b, err := term.ReadPassword(fd)
			done <- struct {
				b   []byte
				err error
			}{b, err}
		}()
		select {
		case res := <-done:
			return res.b, res.err
		case <-ctx.Done():
			_ = term.Restore(fd, state) // best effort: the process is stopping
			return nil, ctx.Err()
		}
	}, true
}
