package main

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// TestSynthStats logs the per-category table that models/SYNTHETIC.md reports:
// go test -run TestSynthStats -v ./models/recipe
func TestSynthStats(t *testing.T) {
	rows := synthesize(1, defaultSynthPlan)
	t.Logf("synthetic rows, seed 1:\n%s", synthStats(rows, defaultSynthPlan))
}

func TestSynthDeterministic(t *testing.T) {
	a, b := synthRows(1), synthRows(1)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("synthRows(1) differs between calls (-first +second):\n%s", diff)
	}
	if cmp.Equal(a, synthRows(2)) {
		t.Errorf("synthRows(2) = synthRows(1), want a different sample")
	}
	for i := 1; i < len(a); i++ {
		if a[i-1].Text >= a[i].Text {
			t.Fatalf("rows not sorted by text at %d: %q >= %q", i, a[i-1].Text, a[i].Text)
		}
	}
}

func TestSynthLabels(t *testing.T) {
	rows := synthesize(1, defaultSynthPlan)
	civil := toneLabels(0, 0, 0, 0, 0)
	// want gives each category's labels; profanity of insult rows follows the words (-1 here).
	want := map[string]map[string]int{
		"threat_explicit":     toneLabels(1, 0, 1, 0, 0),
		"threat_implied":      toneLabels(1, 0, 1, 0, 0),
		"threat_conditional":  toneLabels(1, 0, 1, 0, 0),
		"threat_group":        toneLabels(1, 0, 1, 1, 0),
		"identity_attack":     toneLabels(1, -1, 0, 1, 0),
		"insult":              toneLabels(1, 1, 0, 0, -1),
		"profanity":           toneLabels(1, 0, 0, 0, 1),
		"profanity_mild":      toneLabels(0, 0, 0, 0, 1),
		"identity_civil":      civil,
		"civil_short":         civil,
		"civil_violent_words": civil,
		"civil_criticism":     civil,
		"counter_speech":      civil,
	}
	byCat := map[string][]synthRow{}
	for _, r := range rows {
		byCat[r.Category] = append(byCat[r.Category], r)
	}
	for _, target := range defaultSynthPlan {
		t.Run(target.Category, func(t *testing.T) {
			w, ok := want[target.Category]
			if !ok {
				t.Fatalf("no expected labels for category %q", target.Category)
			}
			got := byCat[target.Category]
			if len(got) < target.N*9/10 {
				t.Errorf("rows = %d, want at least 90%% of %d", len(got), target.N)
			}
			for _, r := range got {
				l := map[string]int{}
				for h, v := range r.Labels {
					l[h] = v
				}
				if p, ok := l["profanity"]; ok && w["profanity"] == 0 && target.Category == "insult" {
					delete(l, "profanity")
					if p != b2i(profane(r.Text)) {
						t.Errorf("%q: profanity = %d, want %d", r.Text, p, b2i(profane(r.Text)))
					}
				}
				if diff := cmp.Diff(w, l); diff != "" {
					t.Errorf("%q: labels (-want +got):\n%s", r.Text, diff)
				}
			}
		})
	}
}

func TestSynthText(t *testing.T) {
	for _, r := range synthesize(1, defaultSynthPlan) {
		switch {
		case r.Text == "" || !utf8.ValidString(r.Text):
			t.Errorf("%s: empty or invalid text %q", r.Category, r.Text)
		case strings.ContainsAny(r.Text, "{}|;"):
			t.Errorf("%s: unfilled template in %q", r.Category, r.Text)
		case strings.Contains(r.Text, "  ") || strings.TrimSpace(r.Text) != r.Text:
			t.Errorf("%s: stray spaces in %q", r.Category, r.Text)
		}
		// Only profanity rows (and insults that use a profane word) may hold one.
		if p, ok := r.Labels["profanity"]; ok && p != b2i(profane(r.Text)) {
			t.Errorf("%s: %q has profanity label %d but profane() = %v", r.Category, r.Text, p, profane(r.Text))
		}
	}
}

func TestSynthNoDuplicates(t *testing.T) {
	rows := synthesize(1, defaultSynthPlan)
	exact, lower, key := map[string]string{}, map[string]string{}, map[string]string{}
	for _, r := range rows {
		if c, ok := exact[r.Text]; ok {
			t.Errorf("duplicate text %q (%s and %s)", r.Text, c, r.Category)
		}
		exact[r.Text] = r.Category
		if c, ok := lower[strings.ToLower(r.Text)]; ok {
			t.Errorf("duplicate text ignoring case %q (%s and %s)", r.Text, c, r.Category)
		}
		lower[strings.ToLower(r.Text)] = r.Category
		// Short replies come in punctuation variants on purpose; elsewhere the key is unique.
		if r.Category == "civil_short" {
			continue
		}
		if c, ok := key[synthKey(r.Text)]; ok {
			t.Errorf("near-duplicate %q (%s and %s)", r.Text, c, r.Category)
		}
		key[synthKey(r.Text)] = r.Category
		if isHeldOut(r.Text) {
			t.Errorf("%s: emitted held-out probe %q", r.Category, r.Text)
		}
	}
}

func TestSynthIdentityGroups(t *testing.T) {
	abusive, civil := map[string]int{}, map[string]int{}
	for _, r := range synthesize(1, defaultSynthPlan) {
		switch r.Category {
		case "identity_attack":
			abusive[r.Group]++
		case "identity_civil":
			civil[r.Group]++
		default:
			continue
		}
		if !strings.Contains(strings.ToLower(r.Text), strings.ToLower(r.Group)) && !containsAdj(r.Text, r.Group) {
			t.Errorf("%s row %q does not name its group %q", r.Category, r.Text, r.Group)
		}
	}
	both := 0
	for _, g := range identityGroups {
		a, c := abusive[g.plural], civil[g.plural]
		if a > 0 && c > 0 {
			both++
		}
		// Round robin over one list keeps each group's abusive and civil counts alike.
		if a > 2*c+2 || c > 2*a+2 {
			t.Errorf("group %q: %d abusive and %d civil rows, want about as many", g.plural, a, c)
		}
	}
	if both < 15 || both != len(identityGroups) {
		t.Errorf("groups in both abusive and civil rows = %d, want all %d (at least 15)", both, len(identityGroups))
	}
}

// containsAdj reports whether text names group by its adjective or singular form.
func containsAdj(text, plural string) bool {
	for _, g := range identityGroups {
		if g.plural == plural {
			l := strings.ToLower(text)
			return (g.adj != "" && strings.Contains(l, strings.ToLower(g.adj))) ||
				strings.Contains(l, strings.ToLower(strings.SplitN(g.singular, " ", 2)[1]))
		}
	}
	return false
}

// TestSynthSharedWords checks the design goal that a word's meaning comes from its phrase: the
// same words occur in threat rows and in civil rows.
func TestSynthSharedWords(t *testing.T) {
	rows := synthesize(1, defaultSynthPlan)
	for _, w := range []string{"shoot", "kill", "beat", "burn", "bomb", "stab", "hang", "deserves", "the mayor", "watch", "someone should"} {
		t.Run(w, func(t *testing.T) {
			var threat, civil int
			for _, r := range rows {
				if !strings.Contains(strings.ToLower(r.Text), w) {
					continue
				}
				switch {
				case r.Labels["threat"] == 1:
					threat++
				case r.Labels["toxicity"] == 0 && r.Labels["threat"] == 0:
					civil++
				}
			}
			if threat == 0 || civil == 0 {
				t.Errorf("%q in %d threat rows and %d civil rows, want both > 0", w, threat, civil)
			}
		})
	}
}

func TestScaledSynthPlan(t *testing.T) {
	for _, total := range []int{600, 6000, 12000} {
		plan := scaledSynthPlan(total)
		n := 0
		for _, p := range plan {
			n += p.N
		}
		if n < total-len(plan) || n > total+len(plan) {
			t.Errorf("scaledSynthPlan(%d) asks for %d rows", total, n)
		}
	}
	if got := len(synthesize(3, scaledSynthPlan(600))); got < 590 {
		t.Errorf("synthesize(scaledSynthPlan(600)) = %d rows, want about 600", got)
	}
}

func TestFill(t *testing.T) {
	vars := map[string]string{"V": "break {P} legs", "P": "his", "S": "the mayor"}
	for _, tc := range []struct {
		name, tmpl string
		sg         bool
		want       string
	}{
		{"nested", "I will {V}", true, "I will break his legs"},
		{"singular", "{S} {live|lives} here", true, "the mayor lives here"},
		{"plural", "they {live|lives} here", false, "they live here"},
		{"unknown slot kept", "a {Q} b", false, "a {Q} b"},
		{"unclosed brace", "a {b", false, "a {b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fill(tc.tmpl, vars, tc.sg); got != tc.want {
				t.Errorf("fill(%q) = %q, want %q", tc.tmpl, got, tc.want)
			}
		})
	}
}

func TestFixArticles(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"you are a idiot", "you are an idiot"},
		{"what an stupid clown", "what a stupid clown"},
		{"a useless fool", "a useless fool"},
		{"A absolute joke", "An absolute joke"},
		{"an hour", "an hour"},
		{"a", "a"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := fixArticles(tc.in); got != tc.want {
				t.Errorf("fixArticles(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSynthKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"I'm going to VOTE!", "im going to vote"},
		{"  Yes...  ok ", "yes ok"},
		{"👍", "👍"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := synthKey(tc.in); got != tc.want {
				t.Errorf("synthKey(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestSynthCard keeps the counts table in models/SYNTHETIC.md in step with the generator.
func TestSynthCard(t *testing.T) {
	card, err := os.ReadFile("../SYNTHETIC.md")
	if err != nil {
		t.Fatalf("read model card: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(synthStats(synthesize(1, defaultSynthPlan), defaultSynthPlan)), "\n") {
		if !strings.Contains(string(card), line+"\n") {
			t.Errorf("models/SYNTHETIC.md lacks the stats line %q; refresh it from TestSynthStats", line)
		}
	}
}
