package moderation

// Unclear is the stance reported when the classifier is not confident of any: the probabilities
// are kept, but no label is claimed. It is not one of Stances (the four the classifier scores),
// so charts that count Stances count confident stances only.
const Unclear Stance = "unclear"

// StanceConfidence is the lowest top-stance probability reported as a stance; below it the
// stance is Unclear. It was set before measuring. With the default model, on perspectrum dev a
// fifth of the comments fall below it and the rest are right 71% of the time; on the ARC
// comments held out by comment, 12% fall below it and the rest are right 83% of the time
// (models/README.md, "Stance component").
const StanceConfidence = 0.5

// StanceLabel returns the comment's decided stance: the most probable one (TopStance) when its
// probability is at least StanceConfidence, Unclear otherwise, and "" when there are no stance
// scores. The probability returned is the top stance's in every case.
func (s Scores) StanceLabel() (Stance, float64) {
	st, p := s.TopStance()
	if st == "" || p >= StanceConfidence {
		return st, p
	}
	return Unclear, p
}

// ValidFilter reports whether s may select comments: a known stance or Unclear.
func (s Stance) ValidFilter() bool { return s == Unclear || s.Valid() }
