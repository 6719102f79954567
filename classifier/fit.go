package classifier

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// fit is a head's trained weights (over problem.global), calibration folded in.
type fit struct {
	global  []int32
	w       []float64
	bias    []float64
	lambda  float64
	offsets []float64
	cv      HeadMetrics
	prior   float64 // binary heads: the reference prior, see Head.Prior
}

// foldOf assigns rows to cross-validation folds by a seeded hash of their text, so that
// examples sharing a comment stay together.
func foldOf(text string, seed int64, folds int) int {
	return int(mix64(hashString(text)^uint64(seed)*0x9e3779b97f4a7c15) % uint64(folds))
}

// runJobs runs jobs on up to workers goroutines. Each job writes only its own result, so the
// outcome does not depend on scheduling.
func runJobs(workers, n int, job func(i int) error) error {
	var next atomic.Int64
	errs := make([]error, n)
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				errs[i] = job(i)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// fitHeads cross-validates the L2 path of every head, calibrates on the out-of-fold logits,
// tunes decision offsets, and fits each head on all its rows.
func fitHeads(ctx context.Context, d *dataset, heads []*headData, train []Example, cfg TrainConfig,
	progress func(string, ...any)) ([]fit, error) {
	probs, folds := headProblems(d, heads, train, cfg, progress)
	start := time.Now()
	oof, err := crossValidate(ctx, probs, folds, cfg)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	progress("cross-validated %d heads x %d folds x %d lambdas in %v", len(heads), cfg.Folds, len(cfg.Lambdas),
		time.Since(start).Round(time.Millisecond))
	fits := make([]fit, len(heads))
	for i, h := range heads {
		fits[i] = chooseLambda(ctx, probs[i], h, oof[i], cfg.Lambdas, progress)
	}
	start = time.Now()
	err = runJobs(cfg.Workers, len(heads), func(i int) error {
		return finalFit(ctx, probs[i], &fits[i], d, cfg)
	})
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	progress("final fits in %v", time.Since(start).Round(time.Millisecond))
	return fits, nil
}

// headProblems builds every head's problem and assigns its rows to cross-validation folds by
// cfg.GroupBy: rows that share a text (or a context, or nothing) share a fold.
func headProblems(d *dataset, heads []*headData, train []Example, cfg TrainConfig,
	progress func(string, ...any)) ([]*problem, [][]int) {
	probs := make([]*problem, len(heads))
	folds := make([][]int, len(heads))
	for i, h := range heads {
		sigma := cfg.SourceSigma
		if sigma <= 0 {
			sigma = 1
		}
		probs[i] = newProblem(d, h, !cfg.NoIDF, sigma)
		folds[i] = make([]int, len(h.rows))
		for j, r := range h.rows {
			g := train[r].Text
			if cfg.GroupBy == "context" && h.Context {
				g = train[r].Context
			}
			if cfg.GroupBy == "example" {
				g = strconv.Itoa(r) + "\x00" + g
			}
			folds[i][j] = foldOf(g, cfg.Seed, cfg.Folds)
		}
		progress("head %s: %d examples, %d features, classes %v, context %v",
			h.Name, len(h.rows), probs[i].dim, h.Classes, h.Context)
	}
	return probs, folds
}

// crossValidate fits every head on all folds but one along the L2 path cfg.Lambdas (strong to
// weak, warm-started) and returns the out-of-fold logits: oof[head][lambda][row*c + k].
func crossValidate(ctx context.Context, probs []*problem, folds [][]int, cfg TrainConfig) ([][][]float64, error) {
	L := len(cfg.Lambdas)
	oof := make([][][]float64, len(probs))
	for i, p := range probs {
		oof[i] = make([][]float64, L)
		for l := range L {
			oof[i][l] = make([]float64, len(p.y)*p.c)
		}
	}
	nj := len(probs) * cfg.Folds
	err := runJobs(cfg.Workers, nj, func(j int) error {
		hi, f := j/cfg.Folds, j%cfg.Folds
		p := probs[hi]
		var tr, te []int
		for r, fr := range folds[hi] {
			if fr == f {
				te = append(te, r)
			} else {
				tr = append(tr, r)
			}
		}
		x := make([]float64, (p.dim+1)*p.c)
		for l, lambda := range cfg.Lambdas {
			if _, err := lbfgs(ctx, p.objective(tr, lambda), x, 8, cfg.MaxIter, 1e-5); err != nil {
				return err
			}
			for _, r := range te {
				p.logits(x, r, oof[hi][l][r*p.c:(r+1)*p.c])
			}
		}
		return nil
	})
	return oof, err
}

// chooseLambda picks head h's L2 strength with the lowest out-of-fold log loss, calibrates
// its out-of-fold logits and tunes its decision offsets on them. The returned fit holds the
// calibration (temperature in w[0], biases in bias) until finalFit folds it in.
func chooseLambda(ctx context.Context, p *problem, h *headData, oof [][]float64, lambdas []float64,
	progress func(string, ...any)) fit {
	best, bestLoss := 0, math.Inf(1)
	for l := range lambdas {
		loss := meanLoss(p, oof[l])
		progress("head %s: lambda %g: out-of-fold log loss %.4f", h.Name, lambdas[l], loss)
		if loss < bestLoss-1e-9 {
			best, bestLoss = l, loss
		}
	}
	a, b := calibrate(ctx, p, oof[best])
	cal := applyCalibration(p, oof[best], a, b)
	offsets := tuneOffsets(p, h, cal)
	cv := metricsFromProbs(h.Name, h.Classes, h.Binary, p.y, cal, offsets)
	progress("head %s: lambda %g, temperature %.3f, out-of-fold macro-F1 %.4f accuracy %.4f auc %s",
		h.Name, lambdas[best], 1/a, cv.MacroF1, cv.Accuracy, fmtAUC(cv.auc()))
	f := fit{global: p.global, lambda: lambdas[best], offsets: offsets, cv: cv}
	f.bias = b // calibration, folded in after the final fit
	f.w = []float64{a}
	return f
}

// finalFit fits the head on all its rows along the L2 path down to the chosen strength, folds
// the calibration held in f into the weights and, for a binary head, sets its reference prior.
func finalFit(ctx context.Context, p *problem, f *fit, d *dataset, cfg TrainConfig) error {
	all := make([]int, len(p.y))
	for r := range all {
		all[r] = r
	}
	x := make([]float64, (p.dim+1)*p.c)
	for _, lambda := range cfg.Lambdas {
		if lambda < f.lambda {
			break
		}
		if _, err := lbfgs(ctx, p.objective(all, lambda), x, 8, cfg.MaxIter, 1e-5); err != nil {
			return err
		}
	}
	// Fold calibration in: logits' = a*logits + beta.
	a, beta := f.w[0], f.bias
	scale(a, x)
	nw := p.dim * p.c
	for k := range p.c {
		x[nw+k] += beta[k]
	}
	if p.binary {
		f.prior = referencePrior(p, x, d)
	}
	f.w = x[:nw]
	f.bias = x[nw:]
	return nil
}

// referencePrior is the mean served probability of a binary head with weights x over its
// training rows, with every source's own intercept left out as it is when serving.
func referencePrior(p *problem, x []float64, d *dataset) float64 {
	xs := slices.Clone(x)
	for l, g := range p.global {
		if _, ok := d.sources[g]; ok {
			xs[l] = 0
		}
	}
	z := make([]float64, 1)
	sum := 0.0
	for r := range p.y {
		p.logits(xs, r, z)
		sum += sigmoid(z[0])
	}
	return sum / float64(max(len(p.y), 1))
}
