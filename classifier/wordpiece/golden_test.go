package wordpiece

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// goldenSentences are written for this test; they are not taken from any
// data set.
var goldenSentences = []string{
	"The moderators reviewed 1,204 comments before lunch.",
	"I can't believe they'd post THAT on a kids' forum!!!",
	"Check https://tribune.example/faq#rules or ask @mod_team.",
	"Déjà vu: the café in Zürich served crème brûlée again.",
	"東京 and 北京 are capitals; 서울 is too.",
	"Totally unbelievable,\tover-the-top hyperbole… really?",
	"Emoji 🙂 and symbols like £5, 30° and ½ survive.",
	"Broken bytes \xff\xfe in the middle\x00 of a sentence.",
}

func TestGolden(t *testing.T) {
	tk, _ := load(t)
	var b strings.Builder
	var enc Encoding
	for _, s := range goldenSentences {
		tk.Encode(s, &enc)
		fmt.Fprintf(&b, "text %q\n", s)
		for _, tok := range enc.Tokens {
			fmt.Fprintf(&b, "  %6d %-14q word %2d [%3d,%3d) %q\n", tok.ID, tk.Token(tok.ID), tok.Word, tok.Start, tok.End, s[tok.Start:tok.End])
		}
	}
	got := b.String()
	path := filepath.Join("testdata", "tokens.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("tokens differ from %s (-want +got):\n%s", path, diff)
	}
}
