//go:build race

package wordpiece

// raceEnabled reports whether the race detector is on, which slows the
// library down about tenfold.
const raceEnabled = true
