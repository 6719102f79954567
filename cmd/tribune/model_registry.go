package main

import (
	"context"
	"fmt"
	"os"

	"github.com/tribune/tribune/classifier"
	"github.com/tribune/tribune/internal/registry"
	"github.com/tribune/tribune/store"
)

// runModelRegistry runs "tribune model list | import FILE | activate VERSION | compare".
func runModelRegistry(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "usage: tribune model list | import FILE | activate VERSION|embedded | compare --model FILE --data FILE  [--db PATH]")
		return errUsage
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet("model "+sub, e)
	dbPath := fs.String("db", envOr(e, "TRIBUNE_DB", "tribune.db"), "SQLite database `file` (env TRIBUNE_DB)")
	var name, modelPath, data, head *string
	var activate *bool
	switch sub {
	case "list", "activate":
	case "import":
		name = fs.String("name", "", "a `name` for people (default: the file's base name)")
		activate = fs.Bool("activate", false, "also make it the active model")
	case "compare":
		modelPath = fs.String("model", "", "the new model `FILE`")
		data = fs.String("data", "", "held-out labeled JSON Lines `FILE`, the same for both models")
		head = fs.String("head", "", "head that \"label\" feeds (default: the first multi-class head)")
	default:
		fmt.Fprintf(e.stderr, "tribune model: unknown subcommand %q\n", sub)
		return errUsage
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if want := map[string]int{"import": 1, "activate": 1}[sub]; len(pos) != want {
		fmt.Fprintf(e.stderr, "tribune model %s: want %d argument(s), got %d\n", sub, want, len(pos))
		return errUsage
	}
	if sub == "compare" && (*modelPath == "" || *data == "") {
		fmt.Fprintln(e.stderr, "tribune model compare: --model and --data are required")
		return errUsage
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	switch sub {
	case "list":
		ms, err := db.Models(ctx)
		if err != nil {
			return err
		}
		return registry.WriteList(e.stdout, ms)
	case "import":
		return importModel(ctx, db, pos[0], *name, *activate, e)
	case "activate":
		return activateModel(ctx, db, pos[0], e)
	default:
		return compareModels(ctx, db, *modelPath, *data, *head, e)
	}
}

func importModel(ctx context.Context, db *store.DB, path, name string, activate bool, e env) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("model import: %w", err)
	}
	rm, created, err := registry.Import(ctx, db, path, data, name)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(e.stdout, "imported %s (%s, %d KB)\n", rm.Version, rm.Name, (len(data)+1023)/1024)
	} else {
		fmt.Fprintf(e.stdout, "%s was already registered\n", rm.Version)
	}
	if activate {
		if err := db.ActivateModel(ctx, rm.Version); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "active model: %s\n", rm.Version)
	}
	return nil
}

func activateModel(ctx context.Context, db *store.DB, v string, e env) error {
	if v == registry.EmbeddedName {
		if err := db.DeactivateModels(ctx); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "active model: the embedded model (running servers switch within %s)\n", registry.WatchInterval)
		return nil
	}
	version, err := registry.Activate(ctx, db, v)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "active model: %s (running servers switch within %s)\n", version, registry.WatchInterval)
	return nil
}

// compareModels evaluates the active model (or the embedded default) and a new one on the same
// held-out data and prints their metrics side by side.
func compareModels(ctx context.Context, db *store.DB, newPath, dataPath, head string, e env) error {
	active, err := registry.Active(ctx, db)
	if err != nil {
		return err
	}
	candidate, err := classifier.LoadFile(newPath)
	if err != nil {
		return err
	}
	exs, err := readExampleFile(dataPath)
	if err != nil {
		return err
	}
	return registry.Compare(active, candidate, exs, head, dataPath, e.stdout)
}
