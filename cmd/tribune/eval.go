package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tribune/tribune/classifier"
	"github.com/tribune/tribune/internal/registry"
)

// runEval evaluates a model on labeled JSON Lines.
func runEval(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("eval", e)
	modelPath := fs.String("model", "", "model `FILE` (default: the embedded default model)")
	data := fs.String("data", "", "labeled JSON Lines `FILE`")
	head := fs.String("head", "", "head that \"label\" feeds (default: the first multi-class head); only it is reported")
	asJSON := fs.Bool("json", false, "print machine-readable JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *data == "" {
		fmt.Fprintln(e.stderr, "tribune eval: --data is required")
		fs.Usage()
		return errUsage
	}
	m, err := registry.LoadModel(*modelPath)
	if err != nil {
		return err
	}
	exs, err := readExampleFile(*data)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	met, err := classifier.EvaluateHead(m, exs, *head)
	if err != nil {
		return err
	}
	if *asJSON {
		out := struct {
			Model string `json:"model"`
			classifier.Metrics
		}{m.Version(), met}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(e.stdout, "model %s\n", m.Version())
	for _, hm := range met.Heads {
		fmt.Fprint(e.stdout, hm.String())
	}
	return nil
}
