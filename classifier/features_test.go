package classifier

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tribune/tribune/classifier/wordpiece"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// goldenCases are sentences written for this test, with an optional context.
var goldenCases = []struct{ text, context string }{
	{"The council did not approve the budget.", ""},
	{"You absolute id10t, don't write about trains again!", ""},
	{"Café owners say the naïve plan won't help.", ""},
	{"Rail lines cut commute times; the city should build one.", "The city should build a new light rail line downtown."},
	{"ok \xff", ""},
}

func TestFeaturesGolden(t *testing.T) {
	tok, err := wordpiece.New(testVocab(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultFeatures()
	cfg.ContextCross = true
	f := featurizer{tok: tok, cfg: cfg}
	var buf bytes.Buffer
	s := &scratch{}
	for _, c := range goldenCases {
		n := f.featurize(s, c.text, c.context, true, true)
		fmt.Fprintf(&buf, "text %q context %q: %d comment features, %d in all\n", c.text, c.context, n, len(s.feats))
		for i, ft := range s.feats {
			sp := s.spans[i]
			fmt.Fprintf(&buf, "  %08x %.4f [%d,%d) %s\n", ft.key, ft.val, sp.start, sp.end, sp.name)
		}
		// The fast path must produce the same features as the traced one.
		keys := append([]feat(nil), s.feats...)
		f.featurize(s, c.text, c.context, true, false)
		if len(keys) != len(s.feats) {
			t.Fatalf("%q: %d features untraced, %d traced", c.text, len(s.feats), len(keys))
		}
		for i := range keys {
			if keys[i] != s.feats[i] {
				t.Fatalf("%q: feature %d differs between traced and untraced runs", c.text, i)
			}
		}
	}
	path := filepath.Join("testdata", "features.golden")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestFeaturesGolden -update)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("features differ from %s (run with -update after checking the change):\n%s", path, buf.String())
	}
}

func TestNegationScope(t *testing.T) {
	tok, err := wordpiece.New(testVocab(t))
	if err != nil {
		t.Fatal(err)
	}
	f := featurizer{tok: tok, cfg: DefaultFeatures()}
	s := &scratch{}
	f.featurize(s, "this is not good at all. good", "", false, true)
	var names []string
	for _, sp := range s.spans {
		if len(sp.name) > 4 && (sp.name[:4] == "neg:" || sp.name[:5] == "word:") {
			names = append(names, sp.name)
		}
	}
	want := "[word:this word:is word:not neg:good neg:at neg:all word:. word:good]"
	if got := fmt.Sprint(names); got != want {
		t.Errorf("words = %s, want %s", got, want)
	}
}

func TestSublinear(t *testing.T) {
	tok, err := wordpiece.New(testVocab(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		blockNorm bool
	}{{"one block", false}, {"per block", true}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := FeatureConfig{Bigrams: true, Sublinear: true, BlockNorm: tc.blockNorm}
			f := featurizer{tok: tok, cfg: cfg}
			s := &scratch{}
			n := f.featurize(s, "bad bad bad bad good", "", false, false)
			sum := map[uint32]float64{}
			blk := map[uint32]uint8{}
			for _, ft := range s.feats[:n] {
				sum[ft.key] += float64(ft.val)
				blk[ft.key] = ft.blk
			}
			// Each block (or all features) has unit norm over summed key values.
			var sq [numBlocks]float64
			for k, v := range sum {
				b := 0
				if tc.blockNorm {
					b = int(blk[k])
				}
				sq[b] += v * v
			}
			for b, q := range sq {
				if q != 0 && math.Abs(q-1) > 1e-5 {
					t.Errorf("block %d: squared norm = %g, want 1", b, q)
				}
			}
			// "bad" (tf 4) weighs 1+ln 4 times "good" (tf 1).
			ratio := sum[key(nsWord, hashString("bad"))] / sum[key(nsWord, hashString("good"))]
			if math.Abs(ratio-(1+math.Log(4))) > 1e-5 {
				t.Errorf("bad/good = %g, want %g", ratio, 1+math.Log(4))
			}
		})
	}
}

// With LexPresence a lexicon feature keeps its value however long the comment is; without it,
// it is normalised with the words and weighs less in a longer comment. The other features stay
// at unit norm either way.
func TestLexPresence(t *testing.T) {
	tok, err := wordpiece.New(testVocab(t))
	if err != nil {
		t.Fatal(err)
	}
	lexValue := func(cfg FeatureConfig, text string) float64 {
		t.Helper()
		f := featurizer{tok: tok, cfg: cfg}
		s := &scratch{}
		n := f.featurize(s, text, "", false, false)
		v, sq := 0.0, 0.0
		for _, ft := range s.feats[:n] {
			if ft.key == key(nsLex, uint64(lexBit(t, "insult"))) {
				v += float64(ft.val)
			}
			if ft.blk != blkLex {
				sq += float64(ft.val) * float64(ft.val)
			}
		}
		if math.Abs(sq-1) > 1e-4 {
			t.Errorf("%q: squared norm of the other features = %g, want 1", text, sq)
		}
		return v
	}
	short, long := "you idiot", "you are an idiot and the council should have known it long ago"
	cfg := FeatureConfig{Bigrams: true, Sublinear: true, Lexicon: true, LexiconVersion: LexiconLatest}
	if a, b := lexValue(cfg, short), lexValue(cfg, long); !(b < a) {
		t.Errorf("normalised: insult feature %g in the long comment, %g in the short one; want less", b, a)
	}
	cfg.LexPresence = true
	if a, b := lexValue(cfg, short), lexValue(cfg, long); a != 1 || b != 1 {
		t.Errorf("presence: insult feature %g (short) and %g (long), want 1 and 1", a, b)
	}
	if err := checkFeatures(&FeatureConfig{Lexicon: true, LexPresence: true}); err == nil {
		t.Error("LexPresence without Sublinear was accepted")
	}
}

// lexBit is the bit of a lexicon category.
func lexBit(t *testing.T, name string) int {
	t.Helper()
	for b, n := range lexNames {
		if n == name {
			return b
		}
	}
	t.Fatalf("no lexicon category %q", name)
	return 0
}

func TestLexiconCategories(t *testing.T) {
	for _, tc := range []struct {
		word string
		want []string
	}{
		{"moron", []string{"insult"}},
		{"fuckwits", []string{"profane"}},
		{"vermin", []string{"dehuman"}},
		{"table", nil},
	} {
		if got := LexiconCategories(tc.word); !slices.Equal(got, tc.want) {
			t.Errorf("LexiconCategories(%q) = %v, want %v", tc.word, got, tc.want)
		}
	}
}
