package moderation

import "testing"

func TestStanceLabel(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stance map[Stance]float64
		want   Stance
		p      float64
	}{
		{"confident", map[Stance]float64{Agree: 0.1, Disagree: 0.7, Discuss: 0.1, Unrelated: 0.1}, Disagree, 0.7},
		{"at the level", map[Stance]float64{Agree: StanceConfidence, Disagree: 1 - StanceConfidence}, Agree, StanceConfidence},
		{"not confident", map[Stance]float64{Agree: 0.3, Disagree: 0.35, Discuss: 0.2, Unrelated: 0.15}, Unclear, 0.35},
		{"no scores", nil, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, p := Scores{Stance: tc.stance}.StanceLabel()
			if got != tc.want || p != tc.p {
				t.Errorf("StanceLabel() = %q, %v, want %q, %v", got, p, tc.want, tc.p)
			}
			c := Comment{Assessment: Assessment{Scores: Scores{Stance: tc.stance}}}
			if c.Stance() != tc.want {
				t.Errorf("Comment.Stance() = %q, want %q", c.Stance(), tc.want)
			}
		})
	}
}

func TestStanceValidFilter(t *testing.T) {
	for _, s := range append(append([]Stance{}, Stances...), Unclear) {
		if !s.ValidFilter() {
			t.Errorf("%q.ValidFilter() = false, want true", s)
		}
	}
	if Unclear.Valid() {
		t.Error("Unclear.Valid() = true: unclear is no stance the classifier scores")
	}
	if Stance("maybe").ValidFilter() {
		t.Error(`"maybe".ValidFilter() = true, want false`)
	}
}
