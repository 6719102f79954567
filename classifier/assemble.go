package classifier

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// weightTable assembles the heads' fitted weights into the model's bias and weight table: one
// row of output columns per kept feature, weights below pruneBelow dropped. Source intercepts
// are left out (the shared bias is the served prior) and returned, formatted per head, for the
// model's settings.
func weightTable(heads []*headData, fits []fit, data *dataset) ([]float32, table, map[string]string) {
	k := 0
	cols := make([]int, len(heads))
	for i, h := range heads {
		cols[i] = k
		k += h.outputs()
	}
	bias := make([]float32, k)
	rows := make([][]float32, len(data.keys))
	sourceOffsets := map[string]string{}
	for i, h := range heads {
		f := fits[i]
		c := h.outputs()
		for j := range c {
			bias[cols[i]+j] = float32(f.bias[j])
		}
		var offs []string
		for l, g := range f.global {
			if name, ok := data.sources[g]; ok {
				for j := range c {
					offs = append(offs, fmt.Sprintf("%s/%s=%.3f", name, h.Classes[len(h.Classes)-c+j], f.w[l*c+j]))
				}
				continue
			}
			for j := range c {
				w := f.w[l*c+j]
				if math.Abs(w) < pruneBelow {
					continue
				}
				if rows[g] == nil {
					rows[g] = make([]float32, k)
				}
				rows[g][cols[i]+j] = float32(w)
			}
		}
		if len(offs) > 0 {
			sourceOffsets[h.Name] = strings.Join(offs, ",")
		}
	}
	var t table
	for g, r := range rows {
		if r != nil {
			t.keys = append(t.keys, data.keys[g])
			t.rows = append(t.rows, r)
		}
	}
	return bias, t, sourceOffsets
}

// modelInfo returns the model's heads, with their fitted offsets and priors, and its info: the
// training settings, the chosen L2 strengths and the cross-validated metrics of each head.
func modelInfo(cfg TrainConfig, fc FeatureConfig, heads []*headData, fits []fit, examples, weights int,
	sourceOffsets map[string]string) ([]Head, ModelInfo) {
	hs := make([]Head, len(heads))
	info := ModelInfo{Created: cfg.Created.UTC(), Sources: cfg.Sources, Features: fc,
		VocabSize: len(cfg.Vocab), Weights: weights, Settings: map[string]string{
			"seed": strconv.FormatInt(cfg.Seed, 10), "folds": strconv.Itoa(cfg.Folds),
			"max_iter": strconv.Itoa(cfg.MaxIter), "group_by": cfg.GroupBy, "idf_penalty": strconv.FormatBool(!cfg.NoIDF), "min_count": strconv.Itoa(cfg.MinCount),
			"examples": strconv.Itoa(examples), "lambdas": fmtFloats(cfg.Lambdas),
		}}
	if cfg.Created.IsZero() {
		info.Created = time.Time{}
	}
	for i, h := range heads {
		hs[i] = h.Head
		hs[i].Offsets = fits[i].offsets
		hs[i].Prior = fits[i].prior
		info.Settings["lambda."+h.Name] = strconv.FormatFloat(fits[i].lambda, 'g', -1, 64)
		info.CV = append(info.CV, fits[i].cv)
		if o, ok := sourceOffsets[h.Name]; ok {
			info.Settings["source_bias."+h.Name] = o
		}
	}
	if cfg.SourceBias {
		sigma := cfg.SourceSigma
		if sigma <= 0 {
			sigma = 1
		}
		info.Settings["source_sigma"] = strconv.FormatFloat(sigma, 'g', -1, 64)
	}
	return hs, info
}

// pruneBelow drops weights too small to change any score visibly; most of them belong to rare
// features that L2 has shrunk to nothing.
const pruneBelow = 2e-4

// build encodes a model file from its parts and parses it back into a Model.
func build(h header, vocab []string, t table) (*Model, error) {
	var buf bytes.Buffer
	if err := encode(&buf, h, vocab, t); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	m, err := parse(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("train: reload: %w", err)
	}
	return m, nil
}

// fmtFloats formats xs as a comma-separated list.
func fmtFloats(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(s, ",")
}

// fmtAUC formats an AUC to four decimals, or "-" when it is undefined (NaN).
func fmtAUC(a float64) string {
	if math.IsNaN(a) {
		return "-"
	}
	return strconv.FormatFloat(a, 'f', 4, 64)
}
