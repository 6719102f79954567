package wordpiece

import (
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

var (
	benchOnce  sync.Once
	benchTexts []string
)

// benchData returns the data set texts, read once per test binary.
func benchData(b *testing.B) []string {
	b.Helper()
	benchOnce.Do(func() { benchTexts = readDataTexts(b) })
	if benchTexts == nil {
		b.Skip("skipping: the shared data folder is absent")
	}
	return benchTexts
}

// commentNear returns the first valid comment whose length is within 5% of
// n bytes, so that benchmarks run on real text without committing any.
func commentNear(b *testing.B, n int) string {
	for _, s := range benchData(b) {
		if len(s) >= n*95/100 && len(s) <= n*105/100 && utf8.ValidString(s) {
			return s
		}
	}
	b.Fatalf("no comment of about %d bytes", n)
	return ""
}

// corpusSample returns every 50th data set text, about 2,000 comments.
func corpusSample(b *testing.B) []string {
	var out []string
	for i, s := range benchData(b) {
		if i%50 == 0 {
			out = append(out, s)
		}
	}
	return out
}

// ownText is a comment written for the benchmarks, used when the data sets
// are absent.
var ownText = strings.Repeat("Honestly, the moderators did a decent job here: they removed the spam, "+
	"kept the heated-but-civil replies, and explained each decision. Not perfect, but far better than last year's mess! ", 3)

func benchEncode(b *testing.B, tk *Tokenizer, texts ...string) {
	b.Helper()
	var n int
	for _, s := range texts {
		n += len(s)
	}
	var enc Encoding
	for _, s := range texts {
		tk.Encode(s, &enc) // warm the cache and grow enc
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range texts {
			tk.Encode(s, &enc)
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	tk, _ := load(b)
	uncached, err := NewWithOptions(tk.Vocab(), Options{CacheSize: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("own", func(b *testing.B) { benchEncode(b, tk, ownText) })
	b.Run("750B", func(b *testing.B) { benchEncode(b, tk, commentNear(b, 750)) })
	b.Run("300B", func(b *testing.B) { benchEncode(b, tk, commentNear(b, 300)) })
	b.Run("corpus", func(b *testing.B) { benchEncode(b, tk, corpusSample(b)...) })
	fold := tk.WithFold(true)
	b.Run("750B-fold", func(b *testing.B) { benchEncode(b, fold, commentNear(b, 750)) })
	b.Run("corpus-fold", func(b *testing.B) { benchEncode(b, fold, corpusSample(b)...) })
	b.Run("750B-nocache", func(b *testing.B) { benchEncode(b, uncached, commentNear(b, 750)) })
	b.Run("corpus-nocache", func(b *testing.B) { benchEncode(b, uncached, corpusSample(b)...) })
}

// BenchmarkEncodeParallel measures the shared cache under contention.
func BenchmarkEncodeParallel(b *testing.B) {
	tk, _ := load(b)
	texts := corpusSample(b)
	var n int
	for _, s := range texts {
		n += len(s)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var enc Encoding
		for pb.Next() {
			for _, s := range texts {
				tk.Encode(s, &enc)
			}
		}
	})
}

func BenchmarkLibraryPipeline(b *testing.B) {
	_, lib := load(b)
	run := func(b *testing.B, text string) {
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := lib.EncodeSingle(text, false); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("own", func(b *testing.B) { run(b, ownText) })
	b.Run("750B", func(b *testing.B) { run(b, commentNear(b, 750)) })
	b.Run("300B", func(b *testing.B) { run(b, commentNear(b, 300)) })
}
