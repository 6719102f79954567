package lang

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tribune/tribune/internal/shareddata"

	"github.com/tribune/tribune/fixtures"
)

// mustDetect are the languages whose one-line comments must all be detected (the brief for
// language support names them); the others in the table are reported as accuracy.
var mustDetect = map[string]bool{"de": true, "fr": true, "es": true, "it": true, "pt": true,
	"nl": true, "ru": true, "tr": true}

func TestDetectForeign(t *testing.T) {
	right := 0
	for _, c := range foreign {
		t.Run(c.want+"/"+prefix(c.text), func(t *testing.T) {
			got, conf := Detect(c.text)
			if got == English || got == Undetermined {
				t.Errorf("Detect(%q) = %q (%.2f), want a foreign language (%s)", c.text, got, conf, c.want)
				return
			}
			if got == c.want {
				right++
				return
			}
			if mustDetect[c.want] {
				t.Errorf("Detect(%q) = %q (%.2f), want %q", c.text, got, conf, c.want)
			} else {
				t.Logf("Detect(%q) = %q (%.2f), want %q (foreign, but the wrong language)", c.text, got, conf, c.want)
			}
		})
	}
	acc := float64(right) / float64(len(foreign))
	t.Logf("foreign: %d/%d right (%.1f%%)", right, len(foreign), 100*acc)
	if acc < 0.9 {
		t.Errorf("foreign accuracy = %.3f, want ≥ 0.9", acc)
	}
}

func TestDetectShortForeign(t *testing.T) {
	for _, c := range shortForeignCases {
		t.Run(c.want+"/"+prefix(c.text), func(t *testing.T) {
			if got, conf := Detect(c.text); got != c.want {
				t.Errorf("Detect(%q) = %q (%.2f), want %q", c.text, got, conf, c.want)
			}
		})
	}
}

func TestDetectEnglish(t *testing.T) {
	undetermined := 0
	for _, text := range english {
		t.Run(prefix(text), func(t *testing.T) {
			got, conf := Detect(text)
			switch got {
			case English:
			case Undetermined:
				undetermined++
			default:
				t.Errorf("Detect(%q) = %q (%.2f), want English or undetermined", text, got, conf)
			}
		})
	}
	t.Logf("english: %d of %d undetermined, none foreign", undetermined, len(english))
}

func TestDetectEdgeCases(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"empty", "", Undetermined},
		{"digits and symbols", "+1 !!! 100% :-) 2024", Undetermined},
		{"emoji", "😂😂😂👍", Undetermined},
		{"link only", "https://example.org/a/very/long/path/about/the/tram/line", Undetermined},
		{"lookalike letters in an English insult", "You are an іdіot and a mоrоn, go away.", English},
		{"long English", strings.Repeat("The council should publish the numbers before the vote. ", 80), English},
		{"short Russian word", "Спасибо", Undetermined},
		{"a short English phrase repeated", strings.Repeat("Nice day ", 1800), Undetermined},
		{"a short German phrase repeated", strings.Repeat("Schönen Tag ", 300), Undetermined},
		{"short Japanese", "ありがとう", "ja"},
		{"invalid UTF-8", "Ich finde den Artikel gut \xff\xfe geschrieben, aber die Zahlen fehlen.", "de"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := Detect(tt.text); got != tt.want {
				t.Errorf("Detect(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestEnglishFixturesNeverForeign runs every English text of the fixtures: none may be
// called foreign.
func TestEnglishFixturesNeverForeign(t *testing.T) {
	var texts []string
	for _, name := range []string{"tone.jsonl", "stance.jsonl"} {
		b, err := fixtures.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, jsonTexts(t, string(b))...)
	}
	for _, c := range fixtures.DemoComments() {
		texts = append(texts, c.Text)
	}
	for _, text := range texts {
		if got, conf := Detect(text); got != English && got != Undetermined {
			t.Errorf("Detect(%q) = %q (%.2f), want English or undetermined", text, got, conf)
		}
	}
	t.Logf("%d fixture texts, none foreign", len(texts))
}

// TestSharedEnglishCorpus measures how often English reader comments from ../shared/data are
// called foreign; it skips when that folder is absent (and fails in CI).
func TestSharedEnglishCorpus(t *testing.T) {
	b, err := os.ReadFile(shareddata.Path(t, "data/ucc_unhealthy_comments/dev.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	texts := jsonTexts(t, string(b))
	foreignCount, und := 0, 0
	for _, text := range texts {
		switch got, _ := Detect(text); got {
		case English:
		case Undetermined:
			und++
		default:
			foreignCount++
			t.Logf("called %s: %q", got, text)
		}
	}
	rate := float64(foreignCount) / float64(len(texts))
	t.Logf("%d comments: %d foreign (%.3f%%), %d undetermined", len(texts), foreignCount, 100*rate, und)
	// The set has a few genuinely French comments from Quebec readers.
	if rate > 0.001 {
		t.Errorf("foreign rate = %.4f, want ≤ 0.001", rate)
	}
}

func FuzzDetect(f *testing.F) {
	for _, c := range foreign {
		f.Add(c.text)
	}
	for _, s := range english {
		f.Add(s)
	}
	for _, c := range shortForeignCases {
		f.Add(c.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		code, conf := Detect(text)
		if code2, conf2 := Detect(text); code2 != code || conf2 != conf {
			t.Fatalf("Detect not deterministic: %q %v then %q %v", code, conf, code2, conf2)
		}
		if !(conf >= 0 && conf <= 1) {
			t.Fatalf("confidence %v out of [0, 1]", conf)
		}
		if code == Undetermined && conf != 0 {
			t.Fatalf("undetermined with confidence %v", conf)
		}
		if n := len(code); n != 0 && n != 2 && n != 3 {
			t.Fatalf("code %q is not an ISO 639 code", code)
		}
	})
}

// BenchmarkDetect measures one call on a 300-byte English comment, the common case.
func BenchmarkDetect(b *testing.B) {
	text := "I read the whole article twice and I still do not understand why the council " +
		"needs another year to decide about the tram line. The buses are full every morning, " +
		"the old town is jammed with cars, and the cost is spread over thirty years. What " +
		"exactly are they waiting for, another study?"
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Detect(text)
	}
}

// BenchmarkDetectForeign measures a German comment, which takes the second, pairwise pass.
func BenchmarkDetectForeign(b *testing.B) {
	text := "Ich habe den Artikel zweimal gelesen und verstehe immer noch nicht, warum der " +
		"Gemeinderat noch ein Jahr braucht, um über die Straßenbahn zu entscheiden. Die Busse " +
		"sind jeden Morgen voll, die Altstadt ist verstopft, und die Kosten verteilen sich auf " +
		"dreißig Jahre."
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Detect(text)
	}
}

func jsonTexts(t *testing.T, data string) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(strings.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var row struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatal(err)
		}
		out = append(out, row.Text)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// prefix names a subtest after the opening of a text.
func prefix(s string) string {
	if utf8.RuneCountInString(s) <= 24 {
		return s
	}
	return string([]rune(s)[:24])
}
