package classifier

import (
	"context"
	"math"
)

// objective returns f(x) and writes its gradient into g.
type objective func(x, g []float64) float64

// lbfgs minimizes f from x (updated in place) with limited-memory BFGS: m correction pairs and
// a backtracking line search under the Armijo condition. It stops after maxIter iterations, when
// the relative decrease over the last 5 iterations falls below tol, or when ctx is done. It is
// deterministic: no randomness, a fixed order of floating-point operations.
func lbfgs(ctx context.Context, f objective, x []float64, m, maxIter int, tol float64) (float64, error) {
	n := len(x)
	g := make([]float64, n)
	fx := f(x, g)
	mem := newLbfgsMemory(m)
	d := make([]float64, n)
	xNew := make([]float64, n)
	gNew := make([]float64, n)
	var hist []float64
	for it := 0; it < maxIter; it++ {
		if err := ctx.Err(); err != nil {
			return fx, err
		}
		gd := mem.direction(g, d)
		if gd == 0 {
			break
		}
		fNew, ok := lineSearch(f, x, d, xNew, gNew, fx, gd)
		if !ok {
			break
		}
		mem.update(x, xNew, g, gNew)
		copy(x, xNew)
		copy(g, gNew)
		fx = fNew
		hist = append(hist, fx)
		if k := len(hist); k > 5 && (hist[k-6]-fx) <= tol*math.Max(math.Abs(fx), 1e-8) {
			break
		}
	}
	return fx, nil
}

// lbfgsMemory holds the last m correction pairs of L-BFGS: s, the change of x, and y, the
// change of the gradient, with rho = 1/(s·y).
type lbfgsMemory struct {
	m     int
	s, y  [][]float64
	rho   []float64
	alpha []float64 // scratch of the two-loop recursion
}

// newLbfgsMemory returns an empty memory of m pairs.
func newLbfgsMemory(m int) *lbfgsMemory {
	return &lbfgsMemory{m: m, s: make([][]float64, 0, m), y: make([][]float64, 0, m),
		rho: make([]float64, 0, m), alpha: make([]float64, m)}
}

// direction writes the search direction d = -H g into d by the two-loop recursion and returns
// g·d. When that is not a descent direction, it forgets the pairs and uses steepest descent.
func (h *lbfgsMemory) direction(g, d []float64) float64 {
	s, y, rho, alpha := h.s, h.y, h.rho, h.alpha
	copy(d, g)
	for i := len(s) - 1; i >= 0; i-- {
		alpha[i] = rho[i] * dot(s[i], d)
		axpy(-alpha[i], y[i], d)
	}
	if k := len(s) - 1; k >= 0 {
		gamma := dot(s[k], y[k]) / dot(y[k], y[k])
		scale(gamma, d)
	} else if gn := math.Sqrt(dot(g, g)); gn > 0 {
		scale(1/gn, d)
	}
	for i := range s {
		b := rho[i] * dot(y[i], d)
		axpy(alpha[i]-b, s[i], d)
	}
	scale(-1, d)
	gd := dot(g, d)
	if gd >= 0 { // not a descent direction: restart from steepest descent
		h.s, h.y, h.rho = s[:0], y[:0], rho[:0]
		copy(d, g)
		scale(-1, d)
		gd = dot(g, d)
	}
	return gd
}

// update records the pair of the step from x to xNew, whose gradients are g and gNew, dropping
// the oldest pair when full. Pairs without positive curvature are skipped to keep H positive
// definite.
func (h *lbfgsMemory) update(x, xNew, g, gNew []float64) {
	n := len(x)
	var si, yi []float64
	if len(h.s) == h.m {
		si, yi = h.s[0], h.y[0]
		h.s, h.y, h.rho = append(h.s[:0], h.s[1:]...), append(h.y[:0], h.y[1:]...), append(h.rho[:0], h.rho[1:]...)
	} else {
		si, yi = make([]float64, n), make([]float64, n)
	}
	for i := range x {
		si[i] = xNew[i] - x[i]
		yi[i] = gNew[i] - g[i]
	}
	if sy := dot(si, yi); sy > 1e-12 {
		h.s, h.y, h.rho = append(h.s, si), append(h.y, yi), append(h.rho, 1/sy)
	}
}

// lineSearch backtracks from a unit step along d, halving it up to 30 times, until the Armijo
// condition holds; it leaves the point in xNew, its gradient in gNew and returns its value. It
// reports false when no step decreased f enough.
func lineSearch(f objective, x, d, xNew, gNew []float64, fx, gd float64) (float64, bool) {
	step := 1.0
	for ls := 0; ls < 30; ls++ {
		for i := range x {
			xNew[i] = x[i] + step*d[i]
		}
		if fNew := f(xNew, gNew); fNew <= fx+1e-4*step*gd {
			return fNew, true
		}
		step *= 0.5
	}
	return 0, false
}

// dot returns a·b.
func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// axpy adds a*x to y.
func axpy(a float64, x, y []float64) {
	for i, v := range x {
		y[i] += a * v
	}
}

// scale multiplies x by a.
func scale(a float64, x []float64) {
	for i := range x {
		x[i] *= a
	}
}
