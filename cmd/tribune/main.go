// Command tribune is Tribune's one binary: the moderation service and its batch tools.
//
//	tribune serve      run the HTTP service (JSON API, Perspective-compatible API, dashboard)
//	tribune score      score JSON Lines comments with a model
//	tribune train      train a model from labeled JSON Lines
//	tribune eval       evaluate a model on labeled JSON Lines
//	tribune apikey     manage API keys for site backends
//	tribune site       manage sites
//	tribune moderator  manage moderator accounts
//	tribune feedback   export scores suggested by Perspective clients as training data
//	tribune version    print the version
//	tribune init       create a database
//	tribune backup     copy a live database
//	tribune webhook    manage the endpoints decisions are delivered to
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// env bundles what a subcommand may touch of the outside world, so tests can run any
// subcommand in-process with their own streams and environment.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// command is one subcommand: its one-line summary and the function that runs it with the
// arguments after its name.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, e env) error
}

// commands lists every subcommand. Each lives in the file named after it.
func commands() map[string]command {
	return map[string]command{
		"score": {"score JSON Lines comments (stdin or --in) with a model", runScore},
		"train": {"train a model from labeled JSON Lines", runTrain},
		"eval":  {"evaluate a model on labeled JSON Lines", runEval},

		"serve":     {"run the HTTP service (JSON API, dashboard)", runServe},
		"apikey":    {"manage API keys for site backends (create, list, revoke)", runAPIKey},
		"site":      {"manage sites (create, list)", runSite},
		"moderator": {"manage moderator accounts (add, passwd, list, disable, enable, role, sites, remove, purge-sessions)", runModerator},
		"feedback":  {"export scores suggested by Perspective clients as labeled JSON Lines", runFeedback},

		"rescore":          {"rescore stored comments with a model and the policy (dry run unless --apply)", runRescore},
		"import":           {"import comments from JSON Lines or a Disqus XML export", runImport},
		"model":            {"model registry: list, import FILE, activate VERSION|embedded, compare", runModelRegistry},
		"export-decisions": {"write moderators' decisions as labeled JSON Lines for tribune train", runExportDecisions},

		"version": {"print the version", runVersion},
		"init":    {"create a database (or bring its schema up to date)", runInit},
		"backup":  {"write a consistent copy of a live database (VACUUM INTO)", runBackup},
		"webhook": {"manage the endpoints verdicts and decisions are delivered to (add, list, remove, deliveries)", runWebhook},
	}
}

// errUsage marks an error already explained to the user by a flag set; main exits 2 without
// printing it again.
var errUsage = errors.New("usage")

// Exit statuses: 2 for a usage error, 130 (128+SIGINT, the shell's convention) for a command
// stopped by Ctrl-C or SIGTERM.
const (
	exitUsage       = 2
	exitInterrupted = 130
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal the default behaviour returns, so a second Ctrl-C kills a
		// command that is slow to stop.
		<-ctx.Done()
		stop()
	}()
	e := env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	err := run(ctx, os.Args[1:], e)
	interrupted := ctx.Err() != nil
	stop()
	switch {
	case err == nil:
	case errors.Is(err, errUsage), errors.Is(err, flag.ErrHelp):
		os.Exit(exitUsage)
	case interrupted && errors.Is(err, context.Canceled):
		fmt.Fprintln(os.Stderr, "tribune: interrupted")
		os.Exit(exitInterrupted)
	default:
		fmt.Fprintf(os.Stderr, "tribune: %v\n", err)
		os.Exit(1)
	}
}

// run dispatches to the subcommand named by args[0]. Help ("-h" anywhere before "--", or
// "tribune help CMD") prints the command's usage to stdout and succeeds. Commands that open an
// existing database fail before doing anything when it does not exist. Standard input is
// wrapped so that a read blocked on it ends when ctx does (Ctrl-C, SIGTERM).
func run(ctx context.Context, args []string, e env) error {
	cmds := commands()
	if len(args) == 0 {
		usage(e.stderr, cmds)
		return errUsage
	}
	if args[0] == "help" || isHelpFlag(args[0]) {
		if len(args) > 1 && args[0] == "help" {
			return run(ctx, append(args[1:2:2], "-h"), e)
		}
		usage(e.stdout, cmds)
		return nil
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "tribune: unknown command %q\n\n", args[0])
		usage(e.stderr, cmds)
		return errUsage
	}
	if e.stdin != nil {
		e.stdin = &ctxReader{ctx: ctx, r: e.stdin}
	}
	if wantsHelp(args[1:]) {
		return commandHelp(ctx, c, args[0], args[1:], e)
	}
	if err := checkDatabase(args[0], args[1:], e); err != nil {
		return err
	}
	return c.run(ctx, args[1:], e)
}

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "usage: tribune <command> [flags] [arguments]\n\ncommands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-16s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'tribune <command> -h' for a command's flags and arguments.")
}

// newFlagSet returns a flag set for a subcommand that reports errors instead of exiting and
// prints its usage (with its positional arguments, see positionalArgs) to e.stderr.
func newFlagSet(name string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet("tribune "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { printUsage(fs, positionalArgs[name]) }
	return fs
}

// parseFlags parses args of a command that takes no positional arguments, with flags in any
// order, mapping a parse failure to errUsage (the flag set printed why).
func parseFlags(fs *flag.FlagSet, args []string) error {
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), rest[0])
		return errUsage
	}
	return nil
}
