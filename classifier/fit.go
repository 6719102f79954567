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

// problem is one head's training data over the features its rows use (local indices).
type problem struct {
	c      int // output columns: 1 for binary heads (a logit), else one per class
	binary bool
	ptr    []int
	idx    []int32
	val    []float32
	y      []int
	dim    int
	global []int32 // local feature index -> compact index in the dataset
	// pen is each feature's L2 penalty factor, 1/idf^2: rare, specific features are penalized
	// less than common ones, the effect TF-IDF weighting has on a linear model, at no cost at
	// prediction time.
	pen []float64
	// fixed is each feature's L2 penalty that does not scale with lambda: zero for text
	// features, and for source intercepts the Gaussian prior 1/(sigma^2 n) of SourceBias.
	fixed []float64
}

// minSourceClass is the fewest rows of a source's rarer class for which the source gets its own
// intercept in a head.
const minSourceClass = 10

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

func newProblem(d *dataset, h *headData, usePen bool, sourceSigma float64) *problem {
	p := &problem{binary: h.Binary, c: h.outputs(), y: h.y}
	local := make([]int32, len(d.keys))
	for i := range local {
		local[i] = -1
	}
	// A source gets its own intercept in this head only when it labels both classes (the
	// minority at least minSourceClass times): an intercept for a source whose rows are all of
	// one class would explain them all by itself, and the words would learn nothing from them.
	// Such sources' rows share the common bias instead.
	skip := map[int32]bool{}
	if len(d.sources) > 0 {
		counts := map[int32][]int{}
		for i, r := range h.rows {
			for j := d.ptr[r]; j < d.split[r]; j++ {
				if _, ok := d.sources[d.idx[j]]; ok {
					c := counts[d.idx[j]]
					if c == nil {
						c = make([]int, len(h.Classes))
						counts[d.idx[j]] = c
					}
					c[h.y[i]]++
				}
			}
		}
		for g, c := range counts {
			if slices.Min(c) < minSourceClass {
				skip[g] = true
			}
		}
	}
	p.ptr = append(p.ptr, 0)
	for _, r := range h.rows {
		end := d.ptr[r+1]
		if !h.Context {
			end = d.split[r]
		}
		for j := d.ptr[r]; j < end; j++ {
			g := d.idx[j]
			if skip[g] {
				continue
			}
			if local[g] < 0 {
				local[g] = int32(len(p.global))
				p.global = append(p.global, g)
			}
			p.idx = append(p.idx, local[g])
			p.val = append(p.val, d.val[j])
		}
		p.ptr = append(p.ptr, len(p.idx))
	}
	p.dim = len(p.global)
	p.pen = make([]float64, p.dim)
	last := make([]int, p.dim)
	for r := range len(p.ptr) - 1 {
		for j := p.ptr[r]; j < p.ptr[r+1]; j++ {
			if l := p.idx[j]; last[l] != r+1 {
				last[l] = r + 1
				p.pen[l]++
			}
		}
	}
	n := float64(len(p.ptr) - 1)
	for l, df := range p.pen {
		idf := 1.0
		if usePen {
			idf = math.Log((n+1)/(df+1)) + 1
		}
		p.pen[l] = 1 / (idf * idf)
	}
	p.fixed = make([]float64, p.dim)
	for l, g := range p.global {
		if _, ok := d.sources[g]; ok {
			// A source intercept: a prior N(0, sigma^2) on it, as a penalty on the mean loss.
			p.pen[l] = 0
			p.fixed[l] = 1 / (sourceSigma * sourceSigma * n)
		}
	}
	return p
}

// logits writes the c output logits of row r under parameters x (weights then biases) into z.
func (p *problem) logits(x []float64, r int, z []float64) {
	c := p.c
	copy(z, x[p.dim*c:])
	for j := p.ptr[r]; j < p.ptr[r+1]; j++ {
		w := x[int(p.idx[j])*c:]
		v := float64(p.val[j])
		for k := range c {
			z[k] += w[k] * v
		}
	}
}

// objective is the mean log loss over rows plus lambda/2 ||w||^2 (biases unpenalized).
func (p *problem) objective(rows []int, lambda float64) objective {
	c := p.c
	z := make([]float64, c)
	dz := make([]float64, c)
	prob := make([]float64, c)
	return func(x, g []float64) float64 {
		clear(g)
		loss := 0.0
		for _, r := range rows {
			p.logits(x, r, z)
			loss += lossGrad(p.binary, z, p.y[r], prob, dz)
			for j := p.ptr[r]; j < p.ptr[r+1]; j++ {
				gw := g[int(p.idx[j])*c:]
				v := float64(p.val[j])
				for k := range c {
					gw[k] += dz[k] * v
				}
			}
			gb := g[p.dim*c:]
			for k := range c {
				gb[k] += dz[k]
			}
		}
		inv := 1 / float64(max(len(rows), 1))
		reg := 0.0
		nw := p.dim * c
		for i := range g {
			g[i] *= inv
			if i < nw {
				pen := lambda*p.pen[i/c] + p.fixed[i/c]
				g[i] += pen * x[i]
				reg += pen * x[i] * x[i]
			}
		}
		return loss*inv + reg/2
	}
}

// lossGrad returns the log loss of logits z for class y and writes dloss/dz into dz.
func lossGrad(binary bool, z []float64, y int, prob, dz []float64) float64 {
	if binary {
		q := sigmoid(z[0])
		dz[0] = q - float64(y)
		// softplus(z) - y z, computed stably.
		return math.Max(z[0], 0) + math.Log1p(math.Exp(-math.Abs(z[0]))) - float64(y)*z[0]
	}
	softmax(prob, z)
	for k := range dz {
		dz[k] = prob[k]
	}
	dz[y]--
	return -math.Log(max(prob[y], 1e-300))
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
	L := len(cfg.Lambdas)
	// oof[head][lambda][row*c + k]: out-of-fold logits.
	oof := make([][][]float64, len(heads))
	for i, h := range heads {
		oof[i] = make([][]float64, L)
		for l := range L {
			oof[i][l] = make([]float64, len(h.rows)*probs[i].c)
		}
	}
	start := time.Now()
	nj := len(heads) * cfg.Folds
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
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	progress("cross-validated %d heads x %d folds x %d lambdas in %v", len(heads), cfg.Folds, L,
		time.Since(start).Round(time.Millisecond))

	fits := make([]fit, len(heads))
	for i, h := range heads {
		p := probs[i]
		best, bestLoss := 0, math.Inf(1)
		for l := range L {
			loss := meanLoss(p, oof[i][l])
			progress("head %s: lambda %g: out-of-fold log loss %.4f", h.Name, cfg.Lambdas[l], loss)
			if loss < bestLoss-1e-9 {
				best, bestLoss = l, loss
			}
		}
		a, b := calibrate(ctx, p, oof[i][best])
		cal := applyCalibration(p, oof[i][best], a, b)
		offsets := tuneOffsets(p, h, cal)
		cv := metricsFromProbs(h.Name, h.Classes, h.Binary, p.y, cal, offsets)
		progress("head %s: lambda %g, temperature %.3f, out-of-fold macro-F1 %.4f accuracy %.4f auc %s",
			h.Name, cfg.Lambdas[best], 1/a, cv.MacroF1, cv.Accuracy, fmtAUC(cv.auc()))
		fits[i] = fit{global: p.global, lambda: cfg.Lambdas[best], offsets: offsets, cv: cv}
		fits[i].bias = b // calibration, folded in after the final fit
		fits[i].w = []float64{a}
	}
	start = time.Now()
	err = runJobs(cfg.Workers, len(heads), func(i int) error {
		p := probs[i]
		all := make([]int, len(p.y))
		for r := range all {
			all[r] = r
		}
		x := make([]float64, (p.dim+1)*p.c)
		for _, lambda := range cfg.Lambdas {
			if lambda < fits[i].lambda {
				break
			}
			if _, err := lbfgs(ctx, p.objective(all, lambda), x, 8, cfg.MaxIter, 1e-5); err != nil {
				return err
			}
		}
		// Fold calibration in: logits' = a*logits + beta.
		a, beta := fits[i].w[0], fits[i].bias
		scale(a, x)
		nw := p.dim * p.c
		for k := range p.c {
			x[nw+k] += beta[k]
		}
		if p.binary {
			// The reference prior: the mean served probability over the head's training rows,
			// with every source's own intercept left out as it is when serving.
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
			fits[i].prior = sum / float64(max(len(p.y), 1))
		}
		fits[i].w = x[:nw]
		fits[i].bias = x[nw:]
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	progress("final fits in %v", time.Since(start).Round(time.Millisecond))
	return fits, nil
}

// meanLoss is the mean log loss of logits (row-major, p.c per row).
func meanLoss(p *problem, logits []float64) float64 {
	prob := make([]float64, p.c)
	dz := make([]float64, p.c)
	s := 0.0
	for r, y := range p.y {
		s += lossGrad(p.binary, logits[r*p.c:(r+1)*p.c], y, prob, dz)
	}
	return s / float64(len(p.y))
}

// calibrate fits a temperature a and per-output biases b minimizing the log loss of
// a*logits + b on out-of-fold logits (Platt scaling for binary heads).
func calibrate(ctx context.Context, p *problem, logits []float64) (float64, []float64) {
	c := p.c
	z := make([]float64, c)
	prob := make([]float64, c)
	dz := make([]float64, c)
	n := float64(len(p.y))
	f := func(x, g []float64) float64 {
		clear(g)
		loss := 0.0
		for r, y := range p.y {
			lz := logits[r*c : (r+1)*c]
			for k := range c {
				z[k] = x[0]*lz[k] + x[1+k]
			}
			loss += lossGrad(p.binary, z, y, prob, dz)
			for k := range c {
				g[0] += dz[k] * lz[k]
				g[1+k] += dz[k]
			}
		}
		for i := range g {
			g[i] /= n
		}
		return loss / n
	}
	x := make([]float64, 1+c)
	x[0] = 1
	if _, err := lbfgs(ctx, f, x, 5, 100, 1e-9); err != nil || !(x[0] > 0) || math.IsInf(x[0], 0) {
		return 1, make([]float64, c)
	}
	return x[0], x[1:]
}

// applyCalibration returns calibrated class probabilities per row (len(classes) per row).
func applyCalibration(p *problem, logits []float64, a float64, b []float64) [][]float64 {
	out := make([][]float64, len(p.y))
	z := make([]float64, p.c)
	for r := range p.y {
		lz := logits[r*p.c : (r+1)*p.c]
		for k := range p.c {
			z[k] = a*lz[k] + b[k]
		}
		if p.binary {
			q := sigmoid(z[0])
			out[r] = []float64{1 - q, q}
		} else {
			out[r] = make([]float64, p.c)
			softmax(out[r], z)
		}
	}
	return out
}

// tuneOffsets picks per-class log-probability offsets that maximize macro-F1 of the decisions
// on out-of-fold probabilities, by coordinate search on a grid (class 0 fixed at 0). Offsets
// move only when they gain, so balanced, well-separated data keeps plain arg-max decisions.
func tuneOffsets(p *problem, h *headData, cal [][]float64) []float64 {
	nc := len(h.Classes)
	off := make([]float64, nc)
	score := func() float64 {
		dec := make([]int, len(cal))
		for r, q := range cal {
			dec[r] = decide(q, off)
		}
		return macroF1(nc, p.y, dec)
	}
	best := score()
	for range 3 {
		changed := false
		for c := 1; c < nc; c++ {
			cur := off[c]
			for step := -40; step <= 40; step++ {
				v := float64(step) / 10
				off[c] = v
				if s := score(); s > best+1e-6 {
					best, cur, changed = s, v, true
				}
			}
			off[c] = cur
		}
		if !changed {
			break
		}
	}
	return off
}
