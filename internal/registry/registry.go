package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/tribune/tribune/classifier"
	"github.com/tribune/tribune/fixtures"
	"github.com/tribune/tribune/moderation"
)

// EmbeddedName is the name "tribune model activate" takes for the model built into the binary.
const EmbeddedName = "embedded"

// Store is what the workflow needs of a database: the registry, and the saved policy a model
// must be able to moderate under.
type Store interface {
	moderation.ModelRegistry
	moderation.PolicyStore
}

// Verify loads a model file and checks that it can moderate under the store's policy
// (moderation.CheckModel) on the built-in tone fixtures. Import and Activate refuse a model
// that fails, so a broken or headless model never becomes active.
func Verify(ctx context.Context, db moderation.PolicyStore, data []byte) error {
	c, err := LoadBytes(data)
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

// Import registers the model file data (read from path, which names it when name is "")
// after Verify accepts it. created is false when the version was registered before.
func Import(ctx context.Context, db Store, path string, data []byte, name string) (rm moderation.RegisteredModel, created bool, err error) {
	m, err := classifier.Load(bytes.NewReader(data))
	if err != nil {
		return rm, false, fmt.Errorf("model import %s: %w", path, err)
	}
	if err := Verify(ctx, db, data); err != nil {
		return rm, false, fmt.Errorf("model import %s: refused: %w", path, err)
	}
	metrics, err := json.Marshal(m.Info())
	if err != nil {
		return rm, false, fmt.Errorf("model import: %w", err)
	}
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	rm = moderation.RegisteredModel{Version: m.Version(), Name: name, Data: data, Metrics: string(metrics)}
	if err := moderation.ValidateModel(rm); err != nil {
		return rm, false, fmt.Errorf("model import: %w", err)
	}
	created, err = db.ImportModel(ctx, rm)
	return rm, created, err
}

// Activate makes the registered model named by v (a version or an unambiguous prefix, see
// Resolve) the active one, after Verify accepts it under the store's policy now.
func Activate(ctx context.Context, db Store, v string) (version string, err error) {
	if version, err = Resolve(ctx, db, v); err != nil {
		return "", err
	}
	rm, err := db.Model(ctx, version)
	if err != nil {
		return "", err
	}
	if err := Verify(ctx, db, rm.Data); err != nil {
		return "", fmt.Errorf("model activate %s: refused: %w", version, err)
	}
	return version, db.ActivateModel(ctx, version)
}

// Resolve accepts a full version or an unambiguous prefix of one (with or without
// "sha256:").
func Resolve(ctx context.Context, reg moderation.ModelRegistry, v string) (string, error) {
	ms, err := reg.Models(ctx)
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

// WriteList writes the registry as a table, the active model marked.
func WriteList(w io.Writer, ms []moderation.RegisteredModel) error {
	if len(ms) == 0 {
		_, err := fmt.Fprintln(w, "no models registered: the embedded default model is in use")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
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

// Active returns the model a server without --model runs: the registry's active model, else
// the embedded default.
func Active(ctx context.Context, reg moderation.ModelRegistry) (*classifier.Model, error) {
	version, err := reg.ActiveModelVersion(ctx)
	if errors.Is(err, moderation.ErrNotFound) {
		m, err := LoadModel("")
		if err != nil {
			return nil, fmt.Errorf("embedded model: %w", err)
		}
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	rm, err := reg.Model(ctx, version)
	if err != nil {
		return nil, err
	}
	m, err := classifier.Load(bytes.NewReader(rm.Data))
	if err != nil {
		return nil, fmt.Errorf("active model %s: %w", version, err)
	}
	return m, nil
}

// Compare evaluates the active model and a candidate on the same held-out examples and writes
// their metrics side by side, per head, to w.
func Compare(active, candidate *classifier.Model, exs []classifier.Example, head, source string, w io.Writer) error {
	ma, err := classifier.EvaluateHead(active, exs, head)
	if err != nil {
		return fmt.Errorf("evaluate active model: %w", err)
	}
	mn, err := classifier.EvaluateHead(candidate, exs, head)
	if err != nil {
		return fmt.Errorf("evaluate new model: %w", err)
	}
	fmt.Fprintf(w, "active %s\nnew    %s\n%d held-out examples from %s\n\n", active.Version(), candidate.Version(), len(exs), source)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
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
