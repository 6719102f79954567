package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/tribune/tribune/classifier"
	"github.com/tribune/tribune/fixtures"
	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/store"
)

// embeddedModel is the name "tribune model activate" takes for the model built into the binary.
const embeddedModel = "embedded"

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
	case "list":
	case "import":
		name = fs.String("name", "", "a `name` for people (default: the file's base name)")
		activate = fs.Bool("activate", false, "also make it the active model")
	case "activate":
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
	want := map[string]int{"list": 0, "import": 1, "activate": 1, "compare": 0}[sub]
	if len(pos) != want {
		fmt.Fprintf(e.stderr, "tribune model %s: want %d argument(s), got %d\n", sub, want, len(pos))
		return errUsage
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	switch sub {
	case "list":
		return listModels(ctx, db, e)
	case "import":
		return importModel(ctx, db, pos[0], *name, *activate, e)
	case "activate":
		if pos[0] == embeddedModel {
			if err := db.DeactivateModels(ctx); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "active model: the embedded model (running servers switch within %s)\n", defaultWatchInterval)
			return nil
		}
		version, err := resolveVersion(ctx, db, pos[0])
		if err != nil {
			return err
		}
		rm, err := db.Model(ctx, version)
		if err != nil {
			return err
		}
		if err := verifyModel(ctx, db, rm.Data); err != nil {
			return fmt.Errorf("model activate %s: refused: %w", version, err)
		}
		if err := db.ActivateModel(ctx, version); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "active model: %s (running servers switch within %s)\n", version, defaultWatchInterval)
		return nil
	default:
		if *modelPath == "" || *data == "" {
			fmt.Fprintln(e.stderr, "tribune model compare: --model and --data are required")
			return errUsage
		}
		return compareModels(ctx, db, *modelPath, *data, *head, e)
	}
}

func listModels(ctx context.Context, db *store.DB, e env) error {
	ms, err := db.Models(ctx)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		fmt.Fprintln(e.stdout, "no models registered: the embedded default model is in use")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACTIVE\tVERSION\tNAME\tSIZE\tIMPORTED\tMETRICS")
	for _, m := range ms {
		mark := ""
		if m.Active {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d KB\t%s\t%s\n", mark, m.Version, m.Name, (m.Size+1023)/1024,
			m.ImportedAt.Format("2006-01-02 15:04"), metricsSummary(m.Metrics))
	}
	return tw.Flush()
}

// metricsSummary shortens a model's metrics JSON to "head F1 …" from its dev or CV metrics.
func metricsSummary(raw string) string {
	var info classifier.ModelInfo
	if err := json.Unmarshal([]byte(raw), &info); err != nil {
		return "?"
	}
	hs := info.Dev
	if len(hs) == 0 {
		hs = info.CV
	}
	var parts []string
	for _, h := range hs {
		parts = append(parts, fmt.Sprintf("%s F1 %.2f", h.Head, h.MacroF1))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

func importModel(ctx context.Context, db *store.DB, path, name string, activate bool, e env) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("model import: %w", err)
	}
	m, err := classifier.Load(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("model import %s: %w", path, err)
	}
	if err := verifyModel(ctx, db, data); err != nil {
		return fmt.Errorf("model import %s: refused: %w", path, err)
	}
	metrics, err := json.Marshal(m.Info())
	if err != nil {
		return fmt.Errorf("model import: %w", err)
	}
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	rm := moderation.RegisteredModel{Version: m.Version(), Name: name, Data: data, Metrics: string(metrics)}
	if err := moderation.ValidateModel(rm); err != nil {
		return fmt.Errorf("model import: %w", err)
	}
	created, err := db.ImportModel(ctx, rm)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(e.stdout, "imported %s (%s, %d KB)\n", rm.Version, name, (len(data)+1023)/1024)
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

// verifyModel loads a model file and checks that it can moderate under the database's policy
// (moderation.CheckModel) on the built-in tone fixtures. Import and activation refuse a model
// that fails, so a broken or headless model never becomes active.
func verifyModel(ctx context.Context, db *store.DB, data []byte) error {
	c, err := loadClassifierBytes(data)
	if err != nil {
		return err
	}
	p, err := moderation.LoadPolicy(ctx, db)
	if err != nil {
		return err
	}
	civil, toxic, err := toneFixtures()
	if err != nil {
		return err
	}
	return moderation.CheckModel(c, p, civil, toxic)
}

// toneFixtures returns the texts of the built-in tone fixtures, split by their toxicity label.
func toneFixtures() (civil, toxic []string, err error) {
	f, err := fixtures.FS.Open("tone.jsonl")
	if err != nil {
		return nil, nil, fmt.Errorf("tone fixtures: %w", err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	for {
		var row struct {
			Text   string         `json:"text"`
			Labels map[string]int `json:"labels"`
		}
		if err := dec.Decode(&row); errors.Is(err, io.EOF) {
			return civil, toxic, nil
		} else if err != nil {
			return nil, nil, fmt.Errorf("tone fixtures: %w", err)
		}
		if row.Labels["toxicity"] == 1 {
			toxic = append(toxic, row.Text)
		} else {
			civil = append(civil, row.Text)
		}
	}
}

// resolveVersion accepts a full version or an unambiguous prefix of one (with or without
// "sha256:").
func resolveVersion(ctx context.Context, db *store.DB, v string) (string, error) {
	ms, err := db.Models(ctx)
	if err != nil {
		return "", err
	}
	var found []string
	for _, m := range ms {
		if m.Version == v {
			return v, nil
		}
		if strings.HasPrefix(m.Version, v) || strings.HasPrefix(strings.TrimPrefix(m.Version, "sha256:"), v) {
			found = append(found, m.Version)
		}
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("no registered model %q (see tribune model list): %w", v, moderation.ErrNotFound)
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("%q matches %d models: %s", v, len(found), strings.Join(found, ", "))
}

// compareModels evaluates the active model (or the embedded default) and a new one on the same
// held-out data and prints their metrics side by side.
func compareModels(ctx context.Context, db *store.DB, newPath, dataPath, head string, e env) error {
	var active *classifier.Model
	version, err := db.ActiveModelVersion(ctx)
	switch {
	case errors.Is(err, moderation.ErrNotFound):
		if active, err = loadModel(""); err != nil {
			return fmt.Errorf("embedded model: %w", err)
		}
	case err != nil:
		return err
	default:
		rm, err := db.Model(ctx, version)
		if err != nil {
			return err
		}
		if active, err = classifier.Load(bytes.NewReader(rm.Data)); err != nil {
			return fmt.Errorf("active model %s: %w", version, err)
		}
	}
	candidate, err := classifier.LoadFile(newPath)
	if err != nil {
		return err
	}
	exs, err := readExampleFile(dataPath)
	if err != nil {
		return err
	}
	ma, err := classifier.EvaluateHead(active, exs, head)
	if err != nil {
		return fmt.Errorf("evaluate active model: %w", err)
	}
	mn, err := classifier.EvaluateHead(candidate, exs, head)
	if err != nil {
		return fmt.Errorf("evaluate new model: %w", err)
	}
	fmt.Fprintf(e.stdout, "active %s\nnew    %s\n%d held-out examples from %s\n\n", active.Version(), candidate.Version(), len(exs), dataPath)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "head\tn\tmacro-F1 active\tmacro-F1 new\tΔ\tAUC active\tAUC new\t")
	byHead := map[string]classifier.HeadMetrics{}
	for _, h := range ma.Heads {
		byHead[h.Head] = h
	}
	for _, hn := range mn.Heads {
		ha, ok := byHead[hn.Head]
		if !ok {
			fmt.Fprintf(tw, "%s\t%d\t-\t%.3f\t\t-\t%s\t\n", hn.Head, hn.N, hn.MacroF1, auc(hn))
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t%+.3f\t%s\t%s\t\n", hn.Head, hn.N, ha.MacroF1, hn.MacroF1,
			hn.MacroF1-ha.MacroF1, auc(ha), auc(hn))
	}
	return tw.Flush()
}

func auc(h classifier.HeadMetrics) string {
	if !h.HasAUC || math.IsNaN(h.AUC) {
		return "-"
	}
	return fmt.Sprintf("%.3f", h.AUC)
}
