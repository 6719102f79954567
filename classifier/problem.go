package classifier

import (
	"math"
	"slices"
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

// newProblem builds head h's problem over the dataset: the rows it labels, restricted to the
// features they use, with L2 penalty factors (idf-scaled if usePen) and the source
// intercepts' Gaussian prior of standard deviation sourceSigma.
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
