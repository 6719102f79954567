package jsonx

import (
	"encoding/json"
	"math"
	"testing"
)

// The appenders' contract is byte equality with encoding/json for the shapes they write.

var stringSeeds = []string{"", "plain", "<b>&amp;</b>", "quote \" backslash \\", "\x00\x01\x1f\x7f",
	"\b\f\n\r\t", "é ü 漢字 😀", "bad \xff utf8 \xc3", "\u2028\u2029", "\xed\xa0\x80 surrogate bytes"}

func FuzzAppendString(f *testing.F) {
	for _, s := range stringSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Errorf("AppendString(%q) = %s, want %s", s, got, want)
		}
	})
}

var floatSeeds = []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1e-6, 9.99e-7, 1e-7, 1e20, 1e21, 123456789.125,
	5e-324, math.MaxFloat64, -1.25e-9, 0.1 + 0.2}

func FuzzAppendFloat(f *testing.F) {
	for _, x := range floatSeeds {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x float64) {
		want, werr := json.Marshal(x)
		got, err := AppendFloat(nil, x)
		if (werr != nil) != (err != nil) {
			t.Fatalf("AppendFloat(%v) error %v, encoding/json's %v", x, err, werr)
		}
		if err == nil && string(got) != string(want) {
			t.Errorf("AppendFloat(%v) = %s, want %s", x, got, want)
		}
	})
}

func FuzzAppendFloatMap(f *testing.F) {
	f.Add("toxicity", 0.93, "insult", 1e-7, "<&>", 1e21)
	f.Add("", 0.0, "", 1.0, "\xff", -0.5)
	f.Fuzz(func(t *testing.T, k1 string, v1 float64, k2 string, v2 float64, k3 string, v3 float64) {
		m := map[string]float64{k1: v1, k2: v2, k3: v3}
		want, werr := json.Marshal(m)
		got, err := AppendFloatMap(nil, m)
		if (werr != nil) != (err != nil) {
			t.Fatalf("AppendFloatMap(%v) error %v, encoding/json's %v", m, err, werr)
		}
		if err == nil && string(got) != string(want) {
			t.Errorf("AppendFloatMap(%v) = %s, want %s", m, got, want)
		}
	})
}

func TestAppendFloatMapNil(t *testing.T) {
	if got, err := AppendFloatMap(nil, nil); err != nil || string(got) != "null" {
		t.Errorf("AppendFloatMap(nil) = %s, %v; want null", got, err)
	}
	if _, err := AppendFloatMap(nil, map[string]float64{"x": math.NaN()}); err != ErrNonFinite {
		t.Errorf("AppendFloatMap(NaN) error = %v, want ErrNonFinite", err)
	}
}

// benchScores is a typical scores object: five tone heads.
var benchScores = map[string]float64{"toxicity": 0.9312, "insult": 0.0000123, "threat": 0.01,
	"identity_attack": 0.25, "profanity": 0.5}

func BenchmarkFloatMap(b *testing.B) {
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(benchScores); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("jsonx", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 256)
		for b.Loop() {
			var err error
			if buf, err = AppendFloatMap(buf[:0], benchScores); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkString(b *testing.B) {
	s := "A comment with <html> & \"quotes\", accents é and an emoji 😀, long enough to matter."
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("jsonx", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 256)
		for b.Loop() {
			buf = AppendString(buf[:0], s)
		}
	})
}
