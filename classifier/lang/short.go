package lang

import (
	"strings"

	"github.com/abadojack/whatlanggo"
)

// A comment of three to six words, such as "Danke für den Artikel." or "Eres un imbécil y un
// idiota.", is too short for the trigram detector to be trusted over English on its own, yet a
// reader can tell its language at a glance from its function words. shortForeign names the
// language of such a text when its function words say so and the detector, choosing between
// English and that language alone, agrees.

const (
	// minShortWords is the fewest words shortForeign reads a language from.
	minShortWords = 3
	// minFunctionWords is the fewest function words of one language it needs.
	minFunctionWords = 2
)

// shortLangs are the languages whose function words shortForeign knows; functionWords maps
// a lower-case word to the set of them (bit i for shortLangs[i]) it is a function word of.
var shortLangs = [...]whatlanggo.Lang{
	whatlanggo.Deu, whatlanggo.Fra, whatlanggo.Spa, whatlanggo.Ita, whatlanggo.Por,
	whatlanggo.Nld, whatlanggo.Swe, whatlanggo.Dan, whatlanggo.Nob, whatlanggo.Pol,
	whatlanggo.Tur, whatlanggo.Ron, whatlanggo.Ces, whatlanggo.Fin,
}

var functionWords = map[string]uint16{}

// The lists hold articles, pronouns, prepositions, conjunctions, auxiliaries and a few
// courtesy words of each language, written for Tribune. A word that is also an English word
// or a common abbreviation in English text ("die", "was", "man", "son", "pour", "per", "con",
// "com", "also", "hat", "jest", "ale", "ben", "sen", "van", ...) is left out, and so is every
// one-letter word, so that an English comment with a foreign name or phrase never adds up.
func init() {
	lists := map[whatlanggo.Lang]string{
		whatlanggo.Deu: `der das und ist nicht ich du bist sind ein eine einen einem einer dem des
			für mit auf aus bei nach von zu wir ihr sie es auch aber oder wenn dass sehr schon
			noch nur mein dein kein keine wie wer warum danke bitte ja nein doch hier jetzt immer
			heute viel im vom zum zur haben habe wird werden wurde kann muss soll diese dieser
			dieses ihm ihn uns euch sich`,
		whatlanggo.Fra: `le la les un une des du de et est je tu il elle nous vous ils elles ce cet
			cette ces mon ma ta ton sa mes tes ses pas qui que quoi dans sur avec mais ou très
			bien merci oui au aux c'est j'ai n'est d'accord suis sont avoir être fait tout moins
			encore aussi comme leur`,
		whatlanggo.Spa: `el la los las un una unos unas es que de del al en por para pero muy más
			mas sí si yo tú tu él ella nosotros ustedes eres soy está esta este esto eso estoy
			todo todos gracias como cuando porque también les su sus mi nuestro hace tiene`,
		whatlanggo.Ita: `il la gli le un uno una di del della dei delle è che sono sei siamo hanno
			anche molto grazie tutto tutti questo questa quello mio tuo suo nel nella sul sulla
			alla dal dalla perché più bene ci si mi ti proprio`,
		whatlanggo.Por: `os um uma uns umas de dos das nos é não que para por mais muito obrigado
			obrigada você vocês eu ele ela nós eles isso isto esse essa este meu minha seu sua
			também porque mas estou está são tem foi ao aos pelo pela sei`,
		whatlanggo.Nld: `de het een en niet ik je jij wij zij hij deze dit voor aan bij naar ook
			maar wat zijn heb hebben wordt worden geen nog wel bedankt eens echt jullie mijn jouw`,
		whatlanggo.Swe: `och det som en ett är inte du ni de för på av också mycket bara eller`,
		whatlanggo.Dan: `og ikke jeg det en på af meget også tak hvad hvor du`,
		whatlanggo.Nob: `og ikke jeg det en på av også hva hvorfor takk hvor du`,
		whatlanggo.Pol: `nie się że ty ja mnie mi ta tym dla przez już bardzo dziękuję proszę czy
			jestem jesteś są tego tylko kiedy tak`,
		whatlanggo.Tur: `bir ve bu çok için ile gibi daha siz mi mı değil yok evet hayır
			teşekkürler şey olarak kadar de`,
		whatlanggo.Ron: `și este sunt în la că foarte pentru mulțumesc dar sau această de`,
		whatlanggo.Ces: `je že jsem jsi jsou není děkuji velmi taky také který už tak`,
		whatlanggo.Fin: `ja ei että en olen oli ovat kiitos mutta myös hyvin tämä minä sinä hän kun
			jos niin`,
	}
	for i, l := range shortLangs {
		for _, w := range strings.Fields(lists[l]) {
			functionWords[w] |= 1 << i
		}
	}
}

// shortForeign returns the language of a short Latin-script text (one that enoughForForeign
// refuses for its length) when it has no English function word, at least minFunctionWords
// function words of one language, mostly lower-case words, and the detector prefers that
// language to English; otherwise Undetermined. The confidence is the share of the text's
// words that are function words of the language.
func shortForeign(text string, c counts) (string, float64) {
	if c.english > 0 || c.words < minShortWords || c.distinct < minShortWords ||
		float64(c.lower) < minLowerShare*float64(c.words) {
		return Undetermined, 0
	}
	var votes [len(shortLangs)]int
	eachWord(text, func(word []rune) {
		// A trailing apostrophe closes a quotation; an elision ("c'est") stays.
		set := functionWords[strings.ToLower(strings.TrimRight(string(word), "'"))]
		for i := range votes {
			if set&(1<<i) != 0 {
				votes[i]++
			}
		}
	})
	best := 0
	for _, v := range votes {
		best = max(best, v)
	}
	if best < minFunctionWords {
		return Undetermined, 0
	}
	// Of the best-voted languages, the one the detector prefers to English most clearly,
	// comparing each with English alone; the first in shortLangs on a tie. A language the
	// detector finds exactly as close as English (confidence 0) does not count.
	pick, conf := whatlanggo.Lang(-1), 0.0
	for i, v := range votes {
		if v != best {
			continue
		}
		l := shortLangs[i]
		pair := detect(text, whatlanggo.Options{
			Whitelist: map[whatlanggo.Lang]bool{whatlanggo.Eng: true, l: true},
		})
		if pair.Lang == l && pair.Confidence > conf {
			pick, conf = l, pair.Confidence
		}
	}
	if pick < 0 {
		return Undetermined, 0
	}
	return iso(pick), min(1, float64(best)/float64(c.words))
}
