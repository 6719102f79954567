package main

// Synthetic training rows for the tone heads, generated from templates and word lists written by
// the Tribune authors (issue 9, item 5). They cover what the public data sets barely contain:
// explicit and implied threats, identity attacks across many groups, insults, profanity, and the
// civil counterparts that share their words (short replies, neutral uses of violent words, sharp
// civil criticism, counter-speech, civil sentences naming an identity). models/SYNTHETIC.md
// documents them; they are training data only and never used for evaluation.

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// synthRow is one generated row with the category and identity group it came from.
type synthRow struct {
	Category string
	Group    string // plural group name for identity rows, else ""
	out
}

// synthTarget asks for N rows of one category.
type synthTarget struct {
	Category string
	N        int
}

// defaultSynthPlan is the default mix, about 6,000 rows. Abusive and civil identity rows are
// equal in number and cycle through the same group list.
var defaultSynthPlan = []synthTarget{
	{"threat_explicit", 500}, {"threat_implied", 450}, {"threat_conditional", 250}, {"threat_group", 150},
	{"identity_attack", 850}, {"identity_civil", 850},
	{"insult", 700}, {"profanity", 350}, {"profanity_mild", 150},
	{"civil_short", 300}, {"civil_violent_words", 600}, {"civil_criticism", 550}, {"counter_speech", 300},
}

// synthRows returns the default synthetic rows for seed, sorted by text.
func synthRows(seed int64) []out {
	rows := synthesize(seed, defaultSynthPlan)
	outs := make([]out, len(rows))
	for i, r := range rows {
		outs[i] = r.out
	}
	return outs
}

// scaledSynthPlan scales the default plan to about total rows.
func scaledSynthPlan(total int) []synthTarget {
	sum := 0
	for _, t := range defaultSynthPlan {
		sum += t.N
	}
	plan := make([]synthTarget, len(defaultSynthPlan))
	for i, t := range defaultSynthPlan {
		plan[i] = synthTarget{t.Category, (t.N*total + sum/2) / sum}
	}
	return plan
}

// synthesize generates the rows of plan for seed: deterministic, deduplicated (case-insensitively,
// ignoring punctuation, across categories) and sorted by text. A category whose templates cannot
// yield N distinct rows yields fewer.
func synthesize(seed int64, plan []synthTarget) []synthRow {
	var rows []synthRow
	seenText, seenKey := map[string]bool{}, map[string]bool{}
	for _, key := range heldOutProbes {
		seenKey[synthKey(key)] = true
	}
	for _, t := range plan {
		gen, ok := synthGenerators[t.Category]
		if !ok {
			continue
		}
		h := fnv.New64a()
		h.Write([]byte(t.Category))
		// One stream per category, so resizing one category leaves the others unchanged.
		r := rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
		if t.Category == "civil_short" {
			// Short replies are enumerated in case and punctuation variants on purpose: these
			// are exactly the strings the old model held, so variants are not collapsed.
			for _, text := range shortReplies(r, t.N) {
				if !seenText[strings.ToLower(text)] {
					seenText[strings.ToLower(text)] = true
					rows = append(rows, synthRow{Category: t.Category, out: out{Text: text, Labels: toneLabels(0, 0, 0, 0, 0)}})
				}
			}
			continue
		}
		got := 0
		for try := 0; got < t.N && try < 50*t.N; try++ {
			row := gen(r, got)
			row.Text = finish(r, row.Text)
			k := synthKey(row.Text)
			if seenKey[k] || seenText[strings.ToLower(row.Text)] {
				continue
			}
			seenKey[k], seenText[strings.ToLower(row.Text)] = true, true
			row.Category = t.Category
			rows = append(rows, row)
			got++
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Text < rows[j].Text })
	return rows
}

// heldOutProbes are the sentences quoted in issue 9 as measured failures. The generator never
// emits them (nor their case or punctuation variants), so they stay honest probes.
var heldOutProbes = []string{
	"I know where the mayor lives. Someone should burn his house down.",
	"I'm going to shoot the mayor.",
	"Somebody should put a bullet in that councillor's head.",
	"Anyone who voted for the tram line deserves to get hurt.",
	"I will kill you.",
	"Women should not be allowed to vote on this.",
	"This is a fucking disaster, what a load of shit.",
	"What an asshole.",
	"You are an idiot and a moron.",
	"Yes", "fine", "Agreed.", "+1", "ok", "Thank you.",
	"I am a gay man", "my Muslim neighbour helped us", "white and black parents met at the school",
}

// synthKey is the deduplication key: lower case letters and digits, single spaces.
func synthKey(s string) string {
	var b strings.Builder
	space := false
	for _, c := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(c) || unicode.IsDigit(c):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(c)
		case c == '\'' || c == '’':
			// "I'm" and "Im" are one key.
		default:
			space = true
		}
	}
	if b.Len() == 0 {
		return s // emoji-only replies
	}
	return b.String()
}

// toneLabels builds a label map; -1 leaves a head out (unknown).
func toneLabels(tox, ins, thr, ida, prof int) map[string]int {
	m := map[string]int{}
	for i, v := range []int{tox, ins, thr, ida, prof} {
		if v >= 0 {
			m[toneHeads[i]] = v
		}
	}
	return m
}

// synthGenerators maps a category to a function that builds its k-th candidate row.
var synthGenerators = map[string]func(r *rand.Rand, k int) synthRow{
	"threat_explicit":     func(r *rand.Rand, _ int) synthRow { return threatRow(r, threatExplicit, pick(r, threatTargets)) },
	"threat_implied":      func(r *rand.Rand, _ int) synthRow { return threatRow(r, threatImplied, pick(r, threatTargets)) },
	"threat_conditional":  func(r *rand.Rand, _ int) synthRow { return threatRow(r, threatConditional, pick(r, threatTargets)) },
	"threat_group":        threatGroupRow,
	"identity_attack":     identityAttackRow,
	"identity_civil":      identityCivilRow,
	"insult":              insultRow,
	"profanity":           func(r *rand.Rand, _ int) synthRow { return simpleRow(r, profaneTemplates, toneLabels(1, 0, 0, 0, 1)) },
	"profanity_mild":      func(r *rand.Rand, _ int) synthRow { return simpleRow(r, mildTemplates, toneLabels(0, 0, 0, 0, 1)) },
	"civil_violent_words": func(r *rand.Rand, _ int) synthRow { return simpleRow(r, violentWordsCivil, toneLabels(0, 0, 0, 0, 0)) },
	"civil_criticism":     criticismRow,
	"counter_speech":      func(r *rand.Rand, _ int) synthRow { return simpleRow(r, counterSpeech, toneLabels(0, 0, 0, 0, 0)) },
	"civil_short":         nil, // enumerated by shortReplies
}

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

// target is who a threat, insult or criticism is aimed at: object, subject and possessive forms,
// whether verbs agree in the third person singular, and the pronoun for a second mention ("you",
// "he", "she", "they", or "any" for he or she).
type target struct {
	obj, subj, poss, pron string
	sg                    bool
}

func parseTarget(s string) target {
	f := strings.Split(s, ";")
	return target{obj: f[0], subj: f[1], poss: f[2], sg: f[3] == "s", pron: f[4]}
}

// vars returns the template variables for t; {O2}/{P2} are the pronoun forms for a second
// mention ("if I see the mayor I'll break his legs").
func (t target) vars(r *rand.Rand) map[string]string {
	pron := t.pron
	if pron == "any" {
		pron = pick(r, []string{"he", "she"})
	}
	f := pronouns[pron]
	return map[string]string{"O": t.obj, "S": t.subj, "P": t.poss, "O2": f[0], "P2": f[1]}
}

var pronouns = map[string][2]string{"you": {"you", "your"}, "he": {"him", "his"}, "she": {"her", "her"},
	"they": {"them", "their"}}

// fill replaces {name} with vars[name] and {plural|singular} by the agreement form, repeatedly,
// so that a value may hold placeholders itself (an act holds {O}).
func fill(t string, vars map[string]string, sg bool) string {
	for range 4 {
		if !strings.Contains(t, "{") {
			break
		}
		var b strings.Builder
		for {
			i := strings.IndexByte(t, '{')
			j := -1
			if i >= 0 {
				j = strings.IndexByte(t[i+1:], '}')
			}
			if j < 0 {
				b.WriteString(t)
				break
			}
			b.WriteString(t[:i])
			inner := t[i+1 : i+1+j]
			if alt := strings.Split(inner, "|"); len(alt) == 2 {
				b.WriteString(alt[map[bool]int{false: 0, true: 1}[sg]])
			} else if v, ok := vars[inner]; ok {
				b.WriteString(v)
			} else {
				b.WriteString("{" + inner + "}")
			}
			t = t[i+2+j:]
		}
		t = b.String()
	}
	return t
}

// finish fixes articles, may add a shared lead-in or tail sentence (drawn from one pool for
// every category, so they carry no label), capitalises and punctuates.
func finish(r *rand.Rand, s string) string {
	if r.IntN(8) == 0 {
		s = pick(r, leadIns) + " " + s
	}
	s = fixArticles(s)
	if last, _ := utf8.DecodeLastRuneInString(s); !strings.ContainsRune(".!?)", last) {
		switch n := r.IntN(20); {
		case n < 14:
			s += "."
		case n < 17:
			s += "!"
		}
	}
	if r.IntN(6) == 0 {
		if last, _ := utf8.DecodeLastRuneInString(s); !strings.ContainsRune(".!?)", last) {
			s += "."
		}
		s += " " + pick(r, tails)
	}
	if r.IntN(7) != 0 {
		s = upperFirst(s)
	}
	return s
}

func upperFirst(s string) string {
	first, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(first)) + s[size:]
}

var leadIns = strings.Split("Honestly,|Frankly,|Look,|Seriously,|To be clear,|Well,|So|Again,|And", "|")
var tails = strings.Split("Just saying.|Read the article.|Same as last year.|Every single time.|"+
	"That's all I have to say.|Think about it.|Just my opinion.|Nothing else to add.|Look it up.|"+
	"This town, I swear.|Anyway.|End of story.", "|")

// fixArticles makes "a"/"an" agree with the sound of the next word.
func fixArticles(s string) string {
	w := strings.Split(s, " ")
	for i := 0; i+1 < len(w); i++ {
		lw := strings.ToLower(w[i])
		if lw != "a" && lw != "an" {
			continue
		}
		next := strings.ToLower(strings.TrimLeft(w[i+1], "\"'("))
		an := next != "" && strings.ContainsRune("aeiou", rune(next[0]))
		for _, p := range []string{"use", "usu", "uni", "eu", "one", "uk"} {
			an = an && !strings.HasPrefix(next, p)
		}
		an = an || strings.HasPrefix(next, "hour") || strings.HasPrefix(next, "honest")
		art := map[bool]string{false: "a", true: "an"}[an]
		if w[i][0] == 'A' {
			art = strings.ToUpper(art[:1]) + art[1:]
		}
		w[i] = art
	}
	return strings.Join(w, " ")
}

func threatRow(r *rand.Rand, tmpls []string, t string) synthRow {
	tg := parseTarget(t)
	return synthRow{out: out{Text: threatText(r, tmpls, tg), Labels: toneLabels(1, 0, 1, 0, 0)}}
}

// threatText fills a threat template; {V} is an act aimed at the target, {V2} the same act with a
// pronoun, {X} an act in the passive (templates needing {X} retry with acts that have one).
func threatText(r *rand.Rand, tmpls []string, tg target) string {
	v := tg.vars(r)
	tmpl := pick(r, tmpls)
	act := strings.Split(pick(r, violentActs), ";")
	for strings.Contains(tmpl, "{X}") && act[1] == "-" {
		act = strings.Split(pick(r, violentActs), ";")
	}
	v["V"] = act[0]
	v["V2"] = strings.NewReplacer("{O}", "{O2}", "{P}", "{P2}").Replace(act[0])
	v["X"] = act[1]
	v["topic"] = pick(r, topics)
	return fill(tmpl, v, tg.sg)
}

func threatGroupRow(r *rand.Rand, k int) synthRow {
	g := identityGroups[k%len(identityGroups)]
	obj := pick(r, []string{"the " + g.plural, "all the " + g.plural, "every one of the " + g.plural, g.plural})
	tg := target{obj: obj, subj: pick(r, []string{"the " + g.plural, g.plural, "all " + g.plural}), poss: "their", pron: "they"}
	tmpls := append(append([]string{}, threatExplicit...), threatImplied...)
	text := threatText(r, tmpls, tg)
	// Acts and templates that only use "their" would lose the group: draw again.
	for try := 0; try < 20 && !strings.Contains(text, g.plural); try++ {
		text = threatText(r, tmpls, tg)
	}
	return synthRow{Group: g.plural, out: out{Text: text, Labels: toneLabels(1, 0, 1, 1, 0)}}
}

// group is an identity group: plural noun, adjective ("" when none reads naturally) and singular.
type group struct{ plural, adj, singular string }

func groupVars(r *rand.Rand, g group) map[string]string {
	return map[string]string{"G": g.plural, "A": g.adj, "GS": g.singular, "right": pick(r, rights),
		"bad": pick(r, groupSlurs), "role": pick(r, roles), "habit": pick(r, groupHabits), "topic": pick(r, topics), "place": pick(r, places)}
}

// groupRow fills a template for the k-th group (round robin, so every group gets its share);
// templates that need an adjective are skipped for groups without one.
func groupRow(r *rand.Rand, k int, tmpls []string, labels map[string]int) synthRow {
	g := identityGroups[k%len(identityGroups)]
	tmpl := pick(r, tmpls)
	for g.adj == "" && strings.Contains(tmpl, "{A}") {
		tmpl = pick(r, tmpls)
	}
	return synthRow{Group: g.plural, out: out{Text: fill(tmpl, groupVars(r, g), false), Labels: labels}}
}

func identityAttackRow(r *rand.Rand, k int) synthRow {
	// Insult is left unknown: whether dehumanising a group also insults it is a labelling choice
	// the data sets make differently.
	return groupRow(r, k, identityAttacks, toneLabels(1, -1, 0, 1, 0))
}

func identityCivilRow(r *rand.Rand, k int) synthRow {
	return groupRow(r, k, identityCivil, toneLabels(0, 0, 0, 0, 0))
}

func insultRow(r *rand.Rand, _ int) synthRow {
	tg := parseTarget(pick(r, insultTargets))
	v := tg.vars(r)
	noun, adj := pick(r, insultNouns), pick(r, insultAdjs)
	if r.IntN(5) == 0 {
		noun = pick(r, profaneInsultNouns)
	}
	if r.IntN(8) == 0 {
		adj = pick(r, profaneInsultAdjs)
	}
	tmpl := pick(r, insultTemplates)
	if strings.Contains(tmpl, "{Ns}") && strings.Contains(noun, " ") {
		noun = pick(r, insultNouns)
	}
	v["N"], v["J"], v["Ns"] = noun, adj, noun+"s"
	v["why"], v["task"], v["topic"] = pick(r, onlyWould), pick(r, tasks), pick(r, topics)
	text := fill(tmpl, v, tg.sg)
	return synthRow{out: out{Text: text, Labels: toneLabels(1, 1, 0, 0, b2i(profane(text)))}}
}

func criticismRow(r *rand.Rand, _ int) synthRow {
	tg := parseTarget(pick(r, officials))
	v := tg.vars(r)
	v["topic"], v["people"], v["demand"] = pick(r, topics), pick(r, affected), pick(r, demands)
	s := fill(pick(r, criticism), v, tg.sg)
	if r.IntN(3) == 0 {
		s += ". " + upperFirst(fill(pick(r, criticismTails), v, tg.sg))
	}
	return synthRow{out: out{Text: s, Labels: toneLabels(0, 0, 0, 0, 0)}}
}

// simpleRow fills a template whose slots need no target agreement.
func simpleRow(r *rand.Rand, tmpls []string, labels map[string]int) synthRow {
	tg := parseTarget(pick(r, officials))
	v := tg.vars(r)
	v["topic"], v["team"], v["team2"], v["when"] = pick(r, topics), pick(r, teams), pick(r, teams), pick(r, whens)
	v["street"], v["place"], v["thing"], v["clause"], v["G"] = pick(r, streets), pick(r, places), pick(r, things), pick(r, clauses), identityGroups[r.IntN(len(identityGroups))].plural
	return synthRow{out: out{Text: fill(pick(r, tmpls), v, tg.sg), Labels: labels}}
}

// shortReplies enumerates short civil replies in a few case and punctuation variants, plus
// pairs of them, up to n.
func shortReplies(r *rand.Rand, n int) []string {
	var res []string
	for _, s := range shortCivil {
		res = append(res, s)
		last, _ := utf8.DecodeLastRuneInString(s)
		if unicode.IsLetter(last) {
			res = append(res, s+".", strings.ToLower(s)+"!")
		} else if strings.HasSuffix(s, ".") {
			res = append(res, strings.ToLower(strings.TrimSuffix(s, ".")))
		}
	}
	var keep []string
	seen := map[string]bool{}
	for i := 0; len(keep) < n && i < 50*n; i++ {
		s := ""
		if i < len(res) {
			s = res[i]
		} else {
			s = pick(r, shortCivil) + " " + pick(r, shortCivil)
		}
		if !isHeldOut(s) && !seen[strings.ToLower(s)] {
			seen[strings.ToLower(s)] = true
			keep = append(keep, s)
		}
	}
	return keep
}

func isHeldOut(s string) bool {
	for _, p := range heldOutProbes {
		if synthKey(p) == synthKey(s) {
			return true
		}
	}
	return false
}

// profaneStems are the word starts that make a row profane; profaneWords must match whole.
var profaneStems = strings.Split("fuck|shit|bullshit|asshole|arsehole|dickhead|bastard|douche|wanker|tosser|twat|"+
	"dumbass|jackass|piss|goddamn|damn|bloody|crap|dipshit", "|")
var profaneWords = strings.Split("hell|prick", "|")

// profane reports whether text holds a word from the profanity lists.
func profane(text string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(c rune) bool { return !unicode.IsLetter(c) }) {
		for _, p := range profaneStems {
			if strings.HasPrefix(w, p) {
				return true
			}
		}
		for _, p := range profaneWords {
			if w == p {
				return true
			}
		}
	}
	return false
}

// synthStats renders per-category counts, shares and positive labels as a Markdown table.
func synthStats(rows []synthRow, plan []synthTarget) string {
	count := map[string]int{}
	pos := map[string]map[string]int{}
	for _, r := range rows {
		count[r.Category]++
		if pos[r.Category] == nil {
			pos[r.Category] = map[string]int{}
		}
		for h, v := range r.Labels {
			pos[r.Category][h] += v
			pos[r.Category][h+"#"]++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| category | asked | rows | share | toxicity | insult | threat | identity_attack | profanity |\n")
	fmt.Fprintf(&b, "|---|---|---|---|---|---|---|---|---|\n")
	total := 0
	for _, t := range plan {
		fmt.Fprintf(&b, "| %s | %d | %d | %.1f%% |", t.Category, t.N, count[t.Category], 100*float64(count[t.Category])/float64(max(len(rows), 1)))
		for _, h := range toneHeads {
			if pos[t.Category][h+"#"] == 0 {
				b.WriteString(" – |")
			} else {
				fmt.Fprintf(&b, " %d |", pos[t.Category][h])
			}
		}
		b.WriteString("\n")
		total += t.N
	}
	fmt.Fprintf(&b, "| total | %d | %d | 100%% | | | | | |\n", total, len(rows))
	return b.String()
}

// The word lists and templates below are ours. Threat, insult and criticism rows share targets
// and topics, and violent verbs recur in civil rows ("shoot me an email", "the mayor beat the
// challenger"), so that the heads learn phrases rather than single words.

func lines(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") }

// violentActs are "active with {O}/{P};passive" ("-" when no passive reads naturally).
var violentActs = lines(`
kill {O};killed
shoot {O};shot
shoot {O} in the head;shot in the head
stab {O};stabbed
hang {O};hanged
beat {O} to death;beaten to death
beat {O} up;beaten up
burn {O} alive;burned alive
burn {P} house down;-
set {P} car on fire;-
strangle {O};strangled
run {O} over;run over
bomb {P} office;-
blow up {P} car;-
slit {P} throat;-
break {P} legs;-
smash {P} face in;-
put a bullet in {P} head;-
string {O} up;strung up
hunt {O} down;hunted down
murder {O};murdered
choke {O};choked to death
drown {O};drowned
poison {O};poisoned
lynch {O};lynched
execute {O};executed
knife {O};knifed
cut {P} throat;-
bash {P} head in;-
kick {P} teeth in;-
punch {O} in the face;punched in the face
gun {O} down;gunned down
hurt {O};hurt
hurt {P} family;-
make {O} bleed;-`)

var threatExplicit = lines(`
I will {V}
I'm going to {V}
I am going to {V}
I'll {V}
I'm gonna {V}
we will {V}
we're going to {V}
I swear I will {V}
I am coming to {V}
I will find {O} and {V2}
I will personally {V}
one day I will {V}
next week I'm going to {V}
my brother and I are going to {V}
I'm going to {V} tonight
tomorrow I will {V}
I plan to {V}
I'm ready to {V}
I can't wait to {V}
I'm driving over there to {V}
I'm going to wait outside and {V}
I will {V} and nobody will stop me
{S} {are|is} going to be {X}
{S} will be {X} soon
{S} {are|is} going to get {X}
{S} will get {X} this week
I promise {S} will be {X}
we are coming for {O}
I'm coming for {O}
I'll be waiting for {O} outside
{S} won't see it coming`)

var threatImplied = lines(`
someone should {V}
somebody needs to {V}
someone ought to {V}
I hope someone will {V}
I wish someone would {V}
can someone please {V}
it's about time somebody decided to {V}
if only someone would {V}
I would pay someone to {V}
I want to {V}
I'd love to {V}
I hope {S} {get|gets} {X}
{S} {deserve|deserves} to be {X}
{S} should be {X}
{S} {need|needs} to be {X}
{S} ought to be {X}
I'd love to see {O} {X}
I pray {S} {get|gets} {X}
hopefully {S} {get|gets} {X} soon
{S} should be taken outside and {X}
can't wait to see {O} {X}
{S} {deserve|deserves} a bullet
{S} {deserve|deserves} a bullet in the head
{S} {deserve|deserves} a rope
{S} {deserve|deserves} to hang
{S} {deserve|deserves} to die
I hope {S} {get|gets} what's coming
{S} will get what's coming
I know where {S} {live|lives}
we know where {S} {live|lives}
I know what car {S} {drive|drives}
I know where {P} kids go to school
watch your back
you'd better watch your back
{S} should watch {P2} back
{S} won't be safe much longer
{P} days are numbered
it would be a shame if something happened to {O}
{S} won't live to see next year
someone is going to make {O} pay in blood
{S} will pay for this with {P2} life
sleep with one eye open
the world would be better with {O} dead
{S} should die
I hope {S} {die|dies}
I hope {S} {die|dies} in a fire
I hope {S} {get|gets} hit by a bus
nobody will ever find {P} body
whoever voted for {topic} should be {X}`)

var threatConditional = lines(`
if I see {O} I'll {V2}
if I ever meet {O} I will {V2}
if {S} {show|shows} up again I'll {V2}
if {S} {pass|passes} this law I will {V2}
one more word and I'll {V}
keep talking and I'll {V}
if you delete my comment again I'll {V}
if {topic} goes ahead I will {V}
if {S} {come|comes} near my house I'll {V2}
if {S} {raise|raises} taxes again someone will {V2}
vote for this and I'll {V}
if {S} {ignore|ignores} us again we will {V2}
try that again and I'll {V}
if I catch {O} alone I'll {V2}
if {S} {win|wins} the vote I'm going to {V2}
if this passes, {S} will be {X}
if {S} {close|closes} the library I'll {V2}
if {S} {touch|touches} my car again I'll {V2}
the next time {S} {lie|lies} to us I'll {V2}`)

// threatTargets are "object;subject;possessive;s|p;pronoun".
var threatTargets = lines(`
you;you;your;p;you
the mayor;the mayor;the mayor's;s;any
the councillor;the councillor;the councillor's;s;any
that judge;that judge;that judge's;s;any
the minister;the minister;the minister's;s;any
the editor;the editor;the editor's;s;any
that reporter;that reporter;that reporter's;s;any
the journalist who wrote this;the journalist who wrote this;the journalist's;s;any
the senator;the senator;the senator's;s;any
the governor;the governor;the governor's;s;any
the police chief;the police chief;the police chief's;s;any
the president;the president;the president's;s;any
the prime minister;the prime minister;the prime minister's;s;any
the council leader;the council leader;the council leader's;s;any
your family;your family;your family's;s;they
your kids;your kids;your kids';p;they
him;he;his;s;he
her;she;her;s;she
them;they;their;p;they
journalists;journalists;journalists';p;they
the author;the author;the author's;s;any
the planning officer;the planning officer;the planning officer's;s;any
our MP;our MP;our MP's;s;any
the commissioner;the commissioner;the commissioner's;s;any
that cop;that cop;that cop's;s;any
the landlord;the landlord;the landlord's;s;any
the referee;the referee;the referee's;s;any
the moderators;the moderators;the moderators';p;they
those protesters;those protesters;those protesters';p;they
the whole council;the whole council;the council's;s;they
every councillor;every councillor;every councillor's;s;they
the school board;the school board;the school board's;s;they`)

// identityGroups are the groups named in identity rows, abusive and civil alike.
var identityGroups = func() []group {
	var gs []group
	for _, l := range lines(`
Muslims;Muslim;a Muslim
Jews;Jewish;a Jew
Christians;Christian;a Christian
Hindus;Hindu;a Hindu
Sikhs;Sikh;a Sikh
Buddhists;Buddhist;a Buddhist
Catholics;Catholic;a Catholic
atheists;atheist;an atheist
Black people;Black;a Black person
white people;white;a white person
Asian people;Asian;an Asian person
Latinos;Latino;a Latino
Hispanic people;Hispanic;a Hispanic person
Arabs;Arab;an Arab
Roma;Roma;a Roma person
Indigenous people;Indigenous;an Indigenous person
Chinese people;Chinese;a Chinese person
Mexicans;Mexican;a Mexican
Poles;Polish;a Pole
Romanians;Romanian;a Romanian
Nigerians;Nigerian;a Nigerian
Pakistanis;Pakistani;a Pakistani
Syrians;Syrian;a Syrian
Somalis;Somali;a Somali
Ukrainians;Ukrainian;a Ukrainian
Indians;Indian;an Indian
Irish people;Irish;an Irish person
Turks;Turkish;a Turk
Russians;Russian;a Russian
immigrants;immigrant;an immigrant
migrants;migrant;a migrant
refugees;refugee;a refugee
asylum seekers;;an asylum seeker
foreigners;foreign;a foreigner
women;;a woman
men;;a man
gay people;gay;a gay person
lesbians;lesbian;a lesbian
bisexual people;bisexual;a bisexual person
transgender people;transgender;a transgender person
trans people;trans;a trans person
queer people;queer;a queer person
disabled people;disabled;a disabled person
deaf people;deaf;a deaf person
blind people;blind;a blind person
autistic people;autistic;an autistic person
wheelchair users;;a wheelchair user
people with mental illness;;someone with a mental illness
old people;older;an old person
pensioners;;a pensioner
young people;young;a young person
teenagers;;a teenager`) {
		f := strings.Split(l, ";")
		gs = append(gs, group{f[0], f[1], f[2]})
	}
	return gs
}()

var rights = strings.Split("vote|teach|teach our kids|run for office|adopt children|work in hospitals|"+
	"own property|live here|serve in the army|hold office|get married|raise children|work with children|"+
	"be police officers|have a say|stay here|open businesses here|sit on the council|drive|work here", "|")

// groupSlurs are dehumanising words and generalisations, no ethnic slurs.
var groupSlurs = strings.Split("animals|vermin|parasites|rats|cockroaches|savages|leeches|"+
	"subhuman|filth|a plague|a disease|a cancer|criminals|thieves|liars|scroungers|degenerates|"+
	"freaks|lazy|dirty|dangerous|inferior|stupid|primitive|a burden|invaders|breeding like rabbits", "|")

var groupHabits = strings.Split("lying|stealing|scrounging|complaining|causing trouble|"+
	"taking our jobs|living off benefits|playing the victim", "|")

var roles = strings.Split("woman|man|mother|father|parent|teacher|nurse|doctor|student|voter|"+
	"business owner|resident|grandparent|veteran|engineer|shop owner|taxpayer", "|")

var places = strings.Split("our street|the high street|the school|the park|our town|this city|the library|"+
	"the market|the station|the hospital|our neighbourhood|the council estate|the community centre", "|")

// topics are singular, so that templates can say "{topic} is".
var topics = strings.Split("the tram line|the parking fee rise|the school closure plan|the new stadium|"+
	"the bus timetable|the housing plan|the budget|the bike lane scheme|the library closure|the water bill|"+
	"the road repair programme|the park redevelopment|the property tax|the hospital merger|"+
	"the bridge project|the zoning change|the rent cap|the bin collection change|the speed camera plan|"+
	"the pool closure", "|")

var streets = strings.Split("Main Street|the ring road|Station Road|the high street|Mill Lane|the bypass|"+
	"Church Street|the seafront", "|")

var identityAttacks = lines(`
all {G} are {bad}
{G} are {bad}
{G} are nothing but {bad}
{G} are {bad}, every last one of them
{G} are all the same, {bad}
typical {G}, always {habit}
you can't trust {G}
never trust {GS}
{G} should go back where they came from
send {G} back where they came from
{G} should go back to their own country
{G} don't belong here
{G} don't belong in this country
we don't want {G} in {place}
keep {G} out of {place}
get {G} out of our country
{G} shouldn't be allowed to {right}
{G} should not be allowed to {right}
{G} must never be allowed to {right}
not one of the {G} should ever be allowed to {right}
ban {G} from {place}
{G} are ruining this country
{G} are destroying our culture
{G} are a cancer on society
{G} breed like rats
{G} are not fully human
{G} are less than human
{G} ruin every neighbourhood they move into
the problem with {place} is all the {G}
this is what happens when you let {G} in
{G} are the reason everything is broken
I wouldn't let {GS} near my kids
{G} should be kept away from children
{G} have no place in {place}
{G} are too stupid to {right}
{A} people are {bad}
{A} scum should be deported
typical {A} behaviour, always {habit}
the {A} lot are {bad}
I'd never hire {GS}, they are {bad}
{A} families are ruining {place}
{G} only come here to steal
{G} are a disgrace to the human race
{G} need to be removed from {place}`)

var identityCivil = lines(`
{A} families moved into {place}
{A} families moved in next door last spring
as {GS} I support the plan for {topic}
as {GS} I am against {topic}
as a {A} {role} I support the plan
as a {A} {role} I think {topic} is a mistake
the {A} community organised the fundraiser
the {A} community centre runs a food bank
my {A} neighbour helped us move house
my {A} colleague wrote a great report on {topic}
a {A} {role} from our street won an award this year
the {A} students ran the charity bake sale
a {A} {role} spoke at the council meeting about {topic}
{A} business owners met the council about {topic}
the festival in {place} celebrated {A} culture
{A} parents and teachers met at the school
I am {A} and I agree with this article
I am a {A} {role} and I live near {place}
I'm a {A} {role} and proud of it
I am {GS} and I have lived here all my life
I'm {GS} myself and this article is spot on
speaking as {GS}, the plan for {topic} makes sense
my partner is {A} and we both love this town
I'm {A} and I live near {place}
attacks on {G} rose last year
reports of abuse against {G} went up again
hate crimes against {G} must be investigated properly
{G} in our town organised a food bank
the council met {G} to discuss housing
many {G} live in this district
the survey asked {G} about {topic}
I work with {G} every day
{G} have every right to {right}
{G} are allowed to {right} like everyone else
{G} are welcome in {place}
{G} are our neighbours and friends
the article interviewed several {G} about {topic}
{G} voted in record numbers this year
the new centre will serve {G} and their families
{G} deserve the same protection as everyone else
I grew up among {G}
the report says {G} face discrimination in housing
{G} are underrepresented on the council
the museum has a new exhibit on the history of {G}
{G} and their neighbours cleaned up {place} on Saturday
the charity helps {G} find work
{G} from across the region came to the festival
a group of {G} opened a cafe near {place}
the study followed {G} over ten years`)

// insultTargets are readers and officials; same format as threatTargets.
var insultTargets = lines(`
you;you;your;p;you
you people;you people;your;p;you
the mayor;the mayor;the mayor's;s;any
the author;the author;the author's;s;any
this reporter;this reporter;this reporter's;s;any
the councillor;the councillor;the councillor's;s;any
the minister;the minister;the minister's;s;any
whoever wrote this;whoever wrote this;their;s;they
the editor;the editor;the editor's;s;any
that judge;that judge;that judge's;s;any
the previous commenter;the previous commenter;their;s;they
our MP;our MP;our MP's;s;any
he;he;his;s;he
she;she;her;s;she`)

var insultNouns = strings.Split("idiot|moron|imbecile|fool|clown|loser|halfwit|cretin|dimwit|buffoon|"+
	"nitwit|dunce|numpty|muppet|twit|simpleton|bozo|nincompoop|airhead|blockhead|knucklehead|numbskull|"+
	"scumbag|lowlife|sleazeball|creep|bootlicker|weasel|worm|snake|pig|rat|troll|coward|liar|jerk|"+
	"disgrace|joke|waste of space|waste of oxygen|village idiot|brainless twit|clueless fool", "|")

var profaneInsultNouns = strings.Split("asshole|arsehole|dickhead|prick|bastard|douchebag|shithead|"+
	"dumbass|wanker|tosser|twat|piece of shit|dipshit|fuckwit|jackass", "|")

var insultAdjs = strings.Split("stupid|pathetic|brainless|clueless|ignorant|worthless|useless|"+
	"spineless|gutless|dim|dense|deluded|moronic|idiotic|dumb|disgusting|vile|miserable|sad little|"+
	"incompetent|smug|arrogant|lying|ugly|fat|senile|dim-witted|thick|sniveling|cowardly|gormless|"+
	"braindead", "|")

var profaneInsultAdjs = strings.Split("fucking|bloody|damn|goddamn|shitty", "|")

var insultTemplates = lines(`
you are a {N}
you're a {N}
you are such a {N}
what a {J} {N}
you {J} {N}
only a {N} would {why}
only a {J} {N} would {why}
{S} {are|is} a {N}
{S} {are|is} a complete {N}
{S} {are|is} an absolute {N}
{S} {are|is} such a {J} {N}
shut up, you {N}
shut up, you {J} {N}
you must be a {N} to {why}
what kind of {N} writes this
the person who wrote this is a {J} {N}
nobody cares what you think, {N}
learn to read, you {N}
go away, you {J} {N}
another {J} comment from a {N}
only {Ns} {why}
{S} {are|is} too {J} to {task}
{S} {are|is} dumber than a bag of rocks
{S} {have|has} the brains of a {N}
what a {N}
{S} {are|is} a {J} {N} and everyone knows it
typical {N}, {S} can't even {task}
{S} {are|is} a {N}, plain and simple
get lost, {N}
sit down, you {J} {N}
listen here, {N}
{S} {are|is} the biggest {N} in this town
I've never met a bigger {N} than {O}
{S} {are|is} a {J} excuse for a human being`)

var onlyWould = strings.Split("believe this|vote for this|write this|defend the mayor|support this plan|"+
	"fall for that|read this paper|think that makes sense|trust the council|post a comment like that", "|")

var tasks = strings.Split("understand the budget|read a map|count to ten|run a bath|tie their shoes|"+
	"do basic maths|follow the article|manage a bus timetable|spell council", "|")

// officials are the targets of civil criticism and of neutral sentences; same format as threatTargets.
var officials = lines(`
the mayor;the mayor;the mayor's;s;any
the council;the council;the council's;s;they
the councillor;the councillor;the councillor's;s;any
the minister;the minister;the minister's;s;any
the government;the government;the government's;s;they
the council leader;the council leader;the council leader's;s;any
the planning committee;the planning committee;the committee's;s;they
the school board;the school board;the school board's;s;they
the police chief;the police chief;the police chief's;s;any
our MP;our MP;our MP's;s;any
the editor;the editor;the editor's;s;any
the governor;the governor;the governor's;s;any
the senator;the senator;the senator's;s;any
the prime minister;the prime minister;the prime minister's;s;any
the president;the president;the president's;s;any
the judge;the judge;the judge's;s;any
the transport authority;the transport authority;the authority's;s;they`)

var affected = strings.Split("families|small businesses|commuters|pensioners|renters|students|"+
	"local schools|shop owners|cyclists|residents|taxpayers|nurses|young families", "|")

var demands = strings.Split("resign|step down|apologise|publish the figures|reverse this decision|"+
	"answer our questions|hold a public vote|explain the cost", "|")

var criticism = lines(`
this decision is a disaster for {people}
{topic} is a disaster for the city budget and {S} should resign
{S} should resign over {topic}
{S} must resign
{S} should step down after this
{S} should be voted out at the next election
I hope {S} {get|gets} voted out
{S} {deserve|deserves} to lose the next election
{S} {deserve|deserves} criticism for {topic}
{S} will pay for this at the ballot box
{S} {have|has} broken every promise on {topic}
{S} {have|has} no idea what {topic} costs {people}
the numbers behind {topic} do not add up
{topic} is badly planned and far too expensive
{topic} is a waste of money
{topic} is the worst decision {S} {have|has} made
I strongly disagree with {O} on {topic}
{S} {are|is} wrong about {topic}
{S} ignored {people} on {topic}
{S} should be ashamed of {topic}
someone should audit {topic}
someone needs to ask {O} hard questions about {topic}
this article is one-sided and leaves out the cost of {topic}
the reporter got the facts about {topic} wrong
{S} {are|is} out of touch with {people}
{topic} will hurt {people}
shame on {O} for {topic}
this is a terrible decision and {S} should reverse it
{S} should face an independent inquiry over {topic}
{S} {have|has} failed {people} again
vote {O} out
{P} handling of {topic} is a scandal
I'm furious about {topic}
{topic} is absurd and {S} {know|knows} it
{S} should {demand} now
it's time for {O} to {demand}
{S} {have|has} let {people} down badly
{topic} is a mess and {S} {are|is} to blame
the plan for {topic} is a disgrace
I will never vote for {O} again after {topic}
{S} {are|is} hiding the real cost of {topic}
we need new leadership, {S} {have|has} had long enough
{topic} is hurting {people} and nobody at the council cares
{S} {deserve|deserves} to be thrown out at the next election
{S} {are|is} killing {topic} with delays
{S} should be taken to court over {topic}
{S} will regret {topic} when the bills arrive`)

var criticismTails = lines(`
{people} deserve answers
do better
the figures are in the council's own report
this cannot go on
I have written to {O} twice with no reply
vote accordingly
{S} should {demand}`)

var profaneTemplates = lines(`
this is a fucking disaster
{topic} is a fucking mess
what a load of shit
what a load of bullshit
{topic} is total bullshit
{topic} is utter shit
this plan is shit
holy shit, {clause}
fuck me, {clause}
fuck, {clause}
who the fuck approved {topic}
who the fuck thought {topic} was a good idea
what the fuck is going on with {topic}
what the fuck is {O} doing
{topic} is completely fucked
we are so fucked if {topic} goes ahead
the roads in this town are shit
I'm so pissed off about {topic}
{topic} is a piss-poor plan
shit, I missed the vote on {topic}
the traffic was fucking awful {when}
the bus service is shitty again
fuck yes, {topic} is finally done
fucking brilliant news about {topic}
this is the best fucking news all year
holy shit, great reporting
that goal was fucking amazing
no shit, {clause}
{topic}? what a shitshow
this whole {topic} thing is a shitshow
bullshit, {clause}
the {thing} is fucking broken again
{thing} is shit {when}
fuck {topic}
fuck this weather
this shit has to stop
{topic} cost a shitload of money
same old shit from the council
the parking on {street} is fucking ridiculous
the new {thing} is a fucking joke
I don't give a shit about {topic}`)

var mildTemplates = lines(`
damn, {clause}
the damn {thing} is broken again
what the hell is going on with {topic}
hell yes, {topic} is finally done
bloody hell, {clause}
{topic} is a bloody mess
{topic} is crap
what a load of crap
crap weather {when}
the parking on {street} is crap
damn good article
bloody good point
a hell of a goal {when}
damn it, I missed the vote on {topic}
oh hell, not {topic} again
the {thing} is crap again
{topic} is a damn shame
why the hell did {topic} cost so much
damn, that was quick
the {thing} was bloody awful {when}
the damn {thing} is late again`)

var violentWordsCivil = lines(`
what a killer goal {when}
that was a killer save by the keeper
the band played a killer set {when}
my commute is murder {when}
the traffic on {street} is murder
the storm killed the power {when}
the storm knocked out the power on {street}
shoot me an email about {topic}
I'll shoot {O} an email about {topic}
{S} shot down the plan for {topic}
the proposal for {topic} was shot down {when}
the bill was shot down in committee
{S} killed the plan for {topic}
the council killed {topic} {when}
{S} beat the challenger in the election
{S} beat the deadline for {topic}
{team} beat {team2} three nil {when}
the show was a bomb of a performance
the film bombed at the box office
police said the attacker was arrested {when}
police said the suspect was arrested near {place}
the film is about a murder in a small town
the podcast is about a shooting that was never solved
the court heard the victim was stabbed {when}
a man was charged with murder after the stabbing near {place}
the photographer shot portraits of {O} {when}
the crew is shooting a film on {street} {when}
{S} took a stab at answering the question
I'll take a stab at explaining {topic}
break a leg at the school play tonight
{team} killed it {when}
{S} killed it at the debate {when}
I'd kill for a decent bus service
this heat is killing me
my feet are killing me after the march
{S} will hang the new portrait in the town hall
we hung out after the match {when}
hang in there, everyone
I burned the toast while reading this
the fire burned down the old warehouse near {place}
{topic} ran over budget again
the meeting ran over by an hour
a cyclist was run over on {street} and the junction needs fixing
the bomb squad cleared the station {when}
an old wartime bomb was found near {place}
rising rents will strangle small businesses on {street}
the hospital treated two people for stab wounds {when}
{S} {are|is} under fire for {topic}
the battery in the {thing} is dead
{place} is dead on Sundays
dead on, well said
{S} failed to execute the plan for {topic}
{team} executed the game plan perfectly
house hunting in this city is a nightmare
I'll hunt down the original report on {topic}
{team} choked in the final {when}
the council is drowning in paperwork over {topic}
my gut says {topic} won't pass
the fire gutted the old cinema {when}
the river was poisoned by runoff from the factory
watch your step on the icy pavement
watch out for cyclists on {street}
I know where the new library is, next to the station
the striker deserves a medal
{S} {deserve|deserves} credit for {topic}
I hope the council is ready for what's coming this winter
the hunters shot two deer in the reserve {when}
the veteran was shot during the war and spoke at the memorial
the documentary about the bombing was hard to watch
the novel ends with the hanging of a smuggler
the knife crime figures for {place} are worrying
the police officer who was attacked {when} is recovering
our cat kills every mouse in the garden
the mayor said the scheme is dead in the water
{S} {are|is} fighting for {topic}
the comedian absolutely slayed {when}
we blew up balloons for the party on {street}
that joke killed me
the new café is the bomb
I'm dying to see the new library
{team} got crushed {when}`)

var counterSpeech = lines(`
threats against {O} are unacceptable
nobody should threaten {O}, whatever you think of {topic}
whoever sent threats to {O} should be prosecuted
I condemn the attack on {O}
violence is never the answer, vote instead
please report threats to the police
the abuse {S} {get|gets} online is shameful
hate against {G} has no place in this city
{G} deserve to feel safe here
threats against {G} are unacceptable
we can disagree about {topic} without insulting each other
personal attacks don't help the debate about {topic}
let's keep the comments civil
moderators, please remove the threats in this thread
calling people names doesn't make your argument stronger
the racist comments under this article are a disgrace
I stand with my neighbours, whoever they are
the threats {S} received are a crime and should be investigated
it's awful that {O} needed police protection over {topic}
wishing harm on {O} is wrong, even if you disagree
disagree with {O} all you like, but leave {P2} family out of it
attacking {G} is not an argument
blaming {G} for {topic} is lazy and wrong
saying {G} should go back where they came from is racist, full stop
there is no excuse for the abuse aimed at {G}
please stop posting hate about {G}
I reported the comment threatening {O}
this thread is full of hate, let's talk about {topic} instead
no one deserves death threats for {topic}
the council should protect staff from abuse over {topic}`)

var teams = strings.Split("our team|the home side|the under-12s|City|United|the Rovers|the school team", "|")
var whens = strings.Split("last night|on Saturday|yesterday|this morning|last week|at the weekend|tonight|again", "|")
var things = strings.Split("lift|ticket machine|website|bus|printer|heating|app|bridge|streetlight|train", "|")
var clauses = strings.Split("that's a lot of money|the bus is late again|look at those prices|"+
	"I didn't see that coming|the meeting is tomorrow|the road is closed again|the article is right|"+
	"the library closes at five|rents went up again", "|")

// shortCivil are short civil replies the old model held as toxic.
var shortCivil = lines(`
Yes
No.
ok
OK thanks
okay
fine
Fine by me.
Agreed
+1
Thank you
Thanks for the article
Thanks for sharing
Good point
Source?
Citation needed.
lol
haha
Well said
Exactly.
Not sure about that.
Interesting.
Great piece.
Nice article
True.
Indeed.
Same here.
Me too.
I agree.
I disagree.
Nope.
Yep
Sure.
Correct.
Spot on.
Fair enough.
Makes sense.
Hmm.
Why?
Really?
Wow.
Great news!
Sad news.
RIP.
Congratulations!
Good luck!
Well done.
Bravo.
Cheers.
Noted.
Link?
This.
So true.
Thanks!
Thank you so much.
Good to know.
Nice one.
Absolutely.
No way.
Not really.
Maybe.
👍
🙂
👏
❤️
😂
🙏
Typo in the second paragraph.
Who wrote this?
See you there.
Count me in.`)
