package classifier

import (
	"context"
	"math"
	"runtime"
)

// softmaxProblem is one stage of the stance component: rows of sparse features over dim
// columns, a class out of k, a source and a fold. Parameters are laid out as dim×k weights,
// k intercepts, then nSrc×k source intercepts that exist in training only (a Gaussian prior of
// variance 1 each), so that no source's class balance becomes the served prior.
type softmaxProblem struct {
	k, dim, nSrc int
	ptr          []int
	idx          []int32
	val          []float32
	y, src, fold []int
	folds        int
	foldW        [][]float64 // per fold, the chosen lambda's parameters
	oof          [][]float64 // per row, out-of-fold logits at the chosen lambda
	w, bias      []float64
	lambda, temp float64
	maxIter      int
	// allowed is, per source, the bit set of classes its rows are labeled with. A row's
	// softmax runs over those classes only: a data set that never labels discuss says nothing
	// against it, so it must not pull discuss down.
	allowed []uint8
	// balanced weighs each row by n / (k × rows of its class), so every class counts alike in
	// the loss: the rarer classes (discuss) are the ones a macro-averaged measure and an editor
	// care about.
	balanced bool
}

func (p *softmaxProblem) addDense(x []float64, y, src, fold int) {
	if p.ptr == nil {
		p.ptr = []int{0}
	}
	for j, v := range x {
		if v != 0 {
			p.idx = append(p.idx, int32(j))
			p.val = append(p.val, float32(v))
		}
	}
	p.finishRow(y, src, fold)
}

func (p *softmaxProblem) addSparse(idx []int32, val []float32, y, src, fold int) {
	if p.ptr == nil {
		p.ptr = []int{0}
	}
	p.idx = append(p.idx, idx...)
	p.val = append(p.val, val...)
	p.finishRow(y, src, fold)
}

func (p *softmaxProblem) finishRow(y, src, fold int) {
	p.ptr = append(p.ptr, len(p.idx))
	p.y = append(p.y, y)
	p.src = append(p.src, src)
	p.fold = append(p.fold, fold)
}

func (p *softmaxProblem) nParams() int { return (p.dim + 1 + p.nSrc) * p.k }

// maskLogits sets the logits of the classes row r's source does not label to -Inf.
func (p *softmaxProblem) maskLogits(r int, z []float64) {
	if p.allowed == nil {
		return
	}
	a := p.allowed[p.src[r]]
	for c := range z {
		if a&(1<<c) == 0 {
			z[c] = math.Inf(-1)
		}
	}
}

// rowLogits writes row r's logits under parameters x into z.
func (p *softmaxProblem) rowLogits(x []float64, r int, z []float64) {
	k := p.k
	copy(z, x[p.dim*k:p.dim*k+k])
	s := x[(p.dim+1+p.src[r])*k:]
	for c := range k {
		z[c] += s[c]
	}
	for j := p.ptr[r]; j < p.ptr[r+1]; j++ {
		v := float64(p.val[j])
		w := x[int(p.idx[j])*k:]
		for c := range k {
			z[c] += v * w[c]
		}
	}
}

// fit minimises the mean cross-entropy of rows plus lambda/2 |w|² (and the sources' prior).
func (p *softmaxProblem) fit(ctx context.Context, rows []int, lambda float64) ([]float64, error) {
	k := p.k
	x := make([]float64, p.nParams())
	z := make([]float64, k)
	q := make([]float64, k)
	n := float64(len(rows))
	cw := make([]float64, k)
	for c := range cw {
		cw[c] = 1
	}
	if p.balanced {
		count := make([]float64, k)
		for _, r := range rows {
			count[p.y[r]]++
		}
		for c := range cw {
			if count[c] > 0 {
				cw[c] = n / (float64(k) * count[c])
			}
		}
	}
	f := func(x, g []float64) float64 {
		clear(g)
		loss := 0.0
		for _, r := range rows {
			p.rowLogits(x, r, z)
			p.maskLogits(r, z)
			softmax(q, z)
			wr := cw[p.y[r]]
			loss -= wr * math.Log(max(q[p.y[r]], 1e-300))
			q[p.y[r]]--
			for c := range k {
				q[c] *= wr / n
				g[p.dim*k+c] += q[c]
				g[(p.dim+1+p.src[r])*k+c] += q[c]
			}
			for j := p.ptr[r]; j < p.ptr[r+1]; j++ {
				v := float64(p.val[j])
				gw := g[int(p.idx[j])*k:]
				for c := range k {
					gw[c] += v * q[c]
				}
			}
		}
		loss /= n
		for i := range p.dim * k {
			loss += lambda / 2 * x[i] * x[i]
			g[i] += lambda * x[i]
		}
		for i := (p.dim + 1) * k; i < len(x); i++ {
			loss += x[i] * x[i] / (2 * n)
			g[i] += x[i] / n
		}
		return loss
	}
	_, err := lbfgs(ctx, f, x, 10, p.maxIter, 1e-6)
	return x, err
}

// selectLambda picks the L2 strength of lowest out-of-fold log loss, folds grouped as given,
// fits the temperature on those out-of-fold logits, and fits all rows at that strength.
func (p *softmaxProblem) selectLambda(ctx context.Context, lambdas []float64, folds, maxIter int,
	progress func(string, ...any), name string) error {
	p.folds, p.maxIter = folds, maxIter
	best := math.Inf(1)
	for _, lambda := range lambdas {
		fw := make([][]float64, folds)
		oof := make([][]float64, len(p.y))
		err := runJobs(min(2, runtime.GOMAXPROCS(0)), folds, func(f int) error {
			var in []int
			for r, fr := range p.fold {
				if fr != f {
					in = append(in, r)
				}
			}
			x, err := p.fit(ctx, in, lambda)
			if err != nil {
				return err
			}
			fw[f] = x
			for r, fr := range p.fold {
				if fr == f {
					oof[r] = make([]float64, p.k)
					p.rowLogits(x, r, oof[r])
					p.maskLogits(r, oof[r])
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		ll := p.logLoss(oof, 1)
		progress("stance: %s L2 %g: out-of-fold log loss %.4f", name, lambda, ll)
		if ll < best {
			best, p.lambda, p.foldW, p.oof = ll, lambda, fw, oof
		}
	}
	p.temp = p.temperature(p.oof)
	rows := make([]int, len(p.y))
	for i := range rows {
		rows[i] = i
	}
	x, err := p.fit(ctx, rows, p.lambda)
	if err != nil {
		return err
	}
	k := p.k
	p.w, p.bias = x[:p.dim*k], x[p.dim*k:p.dim*k+k]
	progress("stance: %s chose L2 %g, temperature %.3f", name, p.lambda, p.temp)
	return nil
}

// logLoss is the mean cross-entropy of logits divided by temperature t.
func (p *softmaxProblem) logLoss(logits [][]float64, t float64) float64 {
	q := make([]float64, p.k)
	z := make([]float64, p.k)
	ll := 0.0
	for r, l := range logits {
		for c := range z {
			z[c] = l[c] / t
		}
		softmax(q, z)
		ll -= math.Log(max(q[p.y[r]], 1e-300))
	}
	return ll / float64(len(logits))
}

// temperature returns the t in [0.25, 8] minimising the log loss of logits/t (golden-section
// search over log t; the loss is unimodal in t).
func (p *softmaxProblem) temperature(logits [][]float64) float64 {
	lo, hi := math.Log(0.25), math.Log(8)
	g := (math.Sqrt(5) - 1) / 2
	a, b := hi-g*(hi-lo), lo+g*(hi-lo)
	fa, fb := p.logLoss(logits, math.Exp(a)), p.logLoss(logits, math.Exp(b))
	for range 40 {
		if fa < fb {
			hi, b, fb = b, a, fa
			a = hi - g*(hi-lo)
			fa = p.logLoss(logits, math.Exp(a))
		} else {
			lo, a, fa = a, b, fb
			b = lo + g*(hi-lo)
			fb = p.logLoss(logits, math.Exp(b))
		}
	}
	return math.Exp((lo + hi) / 2)
}

// predictFold returns the calibrated probabilities of a row given by its sparse features,
// source and fold, from the fold's parameters (the fit that did not see the row's group).
func (p *softmaxProblem) predictFold(idx []int32, val []float32, src, fold int) []float64 {
	x := p.foldW[fold]
	k := p.k
	z := make([]float64, k)
	copy(z, x[p.dim*k:p.dim*k+k])
	for c := range k {
		z[c] += x[(p.dim+1+src)*k+c]
	}
	for j, i := range idx {
		for c := range k {
			z[c] += float64(val[j]) * x[int(i)*k+c]
		}
	}
	for c := range z {
		z[c] /= p.temp
	}
	q := make([]float64, k)
	softmax(q, z)
	return q
}
