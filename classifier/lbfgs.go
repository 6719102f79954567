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
	s := make([][]float64, 0, m)
	y := make([][]float64, 0, m)
	rho := make([]float64, 0, m)
	alpha := make([]float64, m)
	d := make([]float64, n)
	xNew := make([]float64, n)
	gNew := make([]float64, n)
	var hist []float64
	for it := 0; it < maxIter; it++ {
		if err := ctx.Err(); err != nil {
			return fx, err
		}
		// Two-loop recursion: d = -H g.
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
			s, y, rho = s[:0], y[:0], rho[:0]
			copy(d, g)
			scale(-1, d)
			gd = dot(g, d)
		}
		if gd == 0 {
			break
		}
		step := 1.0
		var fNew float64
		ok := false
		for ls := 0; ls < 30; ls++ {
			for i := range x {
				xNew[i] = x[i] + step*d[i]
			}
			fNew = f(xNew, gNew)
			if fNew <= fx+1e-4*step*gd {
				ok = true
				break
			}
			step *= 0.5
		}
		if !ok {
			break
		}
		var si, yi []float64
		if len(s) == m {
			si, yi = s[0], y[0]
			s, y, rho = append(s[:0], s[1:]...), append(y[:0], y[1:]...), append(rho[:0], rho[1:]...)
		} else {
			si, yi = make([]float64, n), make([]float64, n)
		}
		for i := range x {
			si[i] = xNew[i] - x[i]
			yi[i] = gNew[i] - g[i]
		}
		if sy := dot(si, yi); sy > 1e-12 {
			s, y, rho = append(s, si), append(y, yi), append(rho, 1/sy)
		}
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

func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

func axpy(a float64, x, y []float64) {
	for i, v := range x {
		y[i] += a * v
	}
}

func scale(a float64, x []float64) {
	for i := range x {
		x[i] *= a
	}
}
