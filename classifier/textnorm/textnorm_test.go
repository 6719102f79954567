package textnorm

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// foldTests pairs inputs with their folding; every rule has positive and
// negative cases.
var foldTests = []struct {
	name, in, want string
}{
	{"empty", "", ""},
	{"ascii lower-cased", "Hello, World!", "hello, world!"},
	{"punctuation kept", "Yes. No? (maybe) #tag", "yes. no? (maybe) #tag"},

	// Characters.
	{"accents stripped", "Café naïve façade", "cafe naive facade"},
	{"combining accent dropped", "cafe\u0301", "cafe"},
	{"letters without decomposition", "Straße Æsir Łódź øre", "strasse aesir lodz ore"},
	{"fullwidth", "ＩＤＩＯＴ", "idiot"},
	{"mathematical bold", "𝐢𝐝𝐢𝐨𝐭", "idiot"},
	{"ligature", "ﬁne ﬂow", "fine flow"},
	{"circled letters", "Ⓘⓓⓘⓞⓣ", "idiot"},
	{"small capitals", "ɪᴅɪᴏᴛ", "idiot"},
	{"no-break space becomes space", "a\u00a0b", "a b"},
	{"zero-width space inside word", "id\u200biot", "idiot"},
	{"soft hyphen inside word", "id\u00adiot", "idiot"},
	{"joiners and word joiner", "i\u200cd\u200di\u2060ot", "idiot"},
	{"byte order mark", "\ufeffidiot", "idiot"},
	{"variation selector", "idio\ufe0ft", "idiot"},
	{"bidi controls", "\u202eidiot\u202c", "idiot"},
	{"tag characters", "idi\U000E0041ot", "idiot"},
	{"invalid byte separates", "ab\xffcd", "ab cd"},
	{"hangul kept", "안녕하세요", "안녕하세요"},
	{"cjk kept", "你好", "你好"},

	// Spaced-out spelling.
	{"spaced with spaces", "you i d i o t", "you idiot"},
	{"spaced with dots", "f.u.c.k off", "fuck off"},
	{"spaced with dashes", "s-h-i-t", "shit"},
	{"spaced with underscores", "s_h_i_t!", "shit!"},
	{"initials joined", "U.S.A. today", "usa. today"},
	{"two single letters stay", "a b", "a b"},
	{"e.g. stays", "e.g. this", "e.g. this"},
	{"sentence with single letters stays", "I am a fan", "i am a fan"},
	{"list with commas stays", "a, b, c", "a, b, c"},
	{"double spaces stay", "i  d  i  o  t", "i  d  i  o  t"},
	{"mixed separators stay apart", "a.b-c", "a.b-c"},
	{"digits are not letters", "1 2 3 4", "1 2 3 4"},
	{"spaced lookalikes", "і d і o t", "idiot"},

	// Confusables.
	{"cyrillic i in latin word", "іdіot", "idiot"},
	{"cyrillic o in latin word", "mоrоn", "moron"},
	{"cyrillic capital in latin word", "Вitch", "bitch"},
	{"greek omicron in latin word", "mοrοn", "moron"},
	{"armenian oh in latin word", "mօrօn", "moron"},
	{"cherokee capitals in latin word", "ᏴᎪD", "bad"},
	{"issue sentence", "You are an іdіot and a mоrоn.", "you are an idiot and a moron."},
	{"all lookalikes in latin text", "You are an аѕѕ", "you are an ass"},
	{"russian text stays", "Привет, как дела", "привет, как дела"},
	{"russian all-lookalike word in russian text stays", "Это сор и мусор", "это сор и мусор"},
	{"greek text stays", "Καλημέρα κόσμε", "καλημερα κοσμε"},
	{"mixed word with non-lookalike stays", "Googleпоиск", "googleпоиск"},
	{"ukrainian stays", "Київ", "киів"},

	// Leetspeak.
	{"inner digits", "id10t", "idiot"},
	{"inner one", "sh1t", "shit"},
	{"inner three", "h3ll", "hell"},
	{"inner at", "b@stard", "bastard"},
	{"inner bang", "b!tch", "bitch"},
	{"inner dollars", "a$$hole", "asshole"},
	{"double one is l", "he11o", "hello"},
	{"edge digit with inner", "h3ll0", "hello"},
	{"leading at short", "@ss", "ass"},
	{"leading dollar", "$hit", "shit"},
	{"trailing dollars", "a$$", "ass"},
	{"trailing bang is punctuation", "sh!t!", "shit!"},
	{"cyrillic and leet", "іd10t", "idiot"},
	{"year", "2024", "2024"},
	{"number", "10", "10"},
	{"ordinal", "2nd 4th 1st 3rd", "2nd 4th 1st 3rd"},
	{"units", "5km 10pm 3kg", "5km 10pm 3kg"},
	{"covid19", "covid19", "covid19"},
	{"mp3", "mp3", "mp3"},
	{"b2b", "b2b", "b2b"},
	{"h1n1", "h1n1 h5n1", "h1n1 h5n1"},
	{"a1b2", "a1b2", "a1b2"},
	{"mention", "@john @user", "@john @user"},
	{"money", "$5 $100m US$", "$5 $100m us$"},
	{"exclamation", "wow!!! yes!", "wow!!! yes!"},
	{"leading bang", "!important", "!important"},
	{"single dollar after letters", "us$ a$", "us$ a$"},
	{"cyrillic word with digit stays", "с4ка", "с4ка"},
}

func TestFold(t *testing.T) {
	for _, tt := range foldTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := Fold(tt.want); got != tt.want {
				t.Errorf("Fold(Fold(%q)) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Word
	}{
		{"plain", "Hi there", []Word{{"hi", 0, 2}, {"there", 3, 8}}},
		{"zero-width inside", "id\u200biot!", []Word{{"idiot", 0, 8}}},
		{"lookalikes", "an іdіot", []Word{{"an", 0, 2}, {"idiot", 3, 10}}},
		{"spaced covers the run", "you i d i o t.", []Word{{"you", 0, 3}, {"idiot", 4, 13}}},
		{"leet", "(id10t)", []Word{{"idiot", 1, 6}}},
		{"unfolded symbols separate", "john@ US$5", []Word{{"john", 0, 4}, {"us", 6, 8}, {"5", 9, 10}}},
		{"ligature maps to one rune", "ﬁx", []Word{{"fix", 0, 4}}},
		{"fullwidth", "ＯＫ", []Word{{"ok", 0, 6}}},
		{"invalid bytes", "a\xffb", []Word{{"a", 0, 1}, {"b", 2, 3}}},
		{"none", " ... ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Words(tt.in)); diff != "" {
				t.Errorf("Words(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestUnchanged(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", true},
		{"Hello, World! It is 2024, and 10 people came.", true},
		{"I am a fan", true},
		{"a, b, c", true},
		{"id10t", false},
		{"@ss", false},
		{"covid19", false}, // conservative: folding keeps it, but it is checked
		{"i d i o t", false},
		{"a b", false},
		{"café", false},
		{"ab\xffcd", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Unchanged(tt.in); got != tt.want {
				t.Errorf("Unchanged(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestTextReuse(t *testing.T) {
	var x Text
	x.Fold("A long first text with іdіot and f.u.c.k in it, to leave state behind.")
	x.Fold("id10t")
	if got := x.String(); got != "idiot" {
		t.Errorf("String() after reuse = %q, want %q", got, "idiot")
	}
	if s, e := x.Orig(0, x.Len()); s != 0 || e != 5 {
		t.Errorf("Orig(0, %d) = %d, %d, want 0, 5", x.Len(), s, e)
	}
}

func TestFoldAllocs(t *testing.T) {
	text := strings.Repeat("You are an іdіot, a m0r0n and an a$$ — i d i o t! Café ＯＫ. ", 10)
	var x Text
	x.Fold(text)
	if n := testing.AllocsPerRun(20, func() { x.Fold(text) }); n != 0 {
		t.Errorf("Fold on a reused Text allocates %v times, want 0", n)
	}
}

func BenchmarkFold(b *testing.B) {
	texts := map[string]string{
		"ascii":      strings.Repeat("Honestly, the moderators did a decent job here: they removed the spam, kept the heated-but-civil replies. ", 7),
		"obfuscated": strings.Repeat("You are an іdіot, a m0r0n and an a$$: i d i o t! Café ＯＫ. ", 12),
	}
	for name, text := range texts {
		b.Run(name, func(b *testing.B) {
			var x Text
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				x.Fold(text)
			}
		})
	}
}
