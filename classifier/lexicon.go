package classifier

import "strings"

// Lexicon categories of a word, a bit set. The lists below are written by us; they name words
// a moderator looks for, so that a head can learn from every word of a category what it would
// otherwise have to learn word by word from rare examples. Whether and how much a category
// counts is learned from the data like any other feature.
const (
	lexProfane  uint8 = 1 << iota // swear words
	lexInsult                     // words that insult a person
	lexDehuman                    // words that deny people their humanity
	lexViolence                   // words of physical harm
	lexIdentity                   // names of groups people belong to
	lexSlur                       // slurs against a group
	lexYou                        // second person
	lexIntent                     // will, should, going to: what someone means to do
)

var lexNames = [...]string{"profane", "insult", "dehuman", "violence", "identity", "slur", "you", "intent"}

// lexWindow is how many words apart two lexicon words may be to form a pair feature.
const lexWindow = 4

var lexicon = func() map[string]uint8 {
	lists := []struct {
		cat   uint8
		words string
	}{
		{lexProfane, `fuck fucks fucking fucked fucker fuckers fuckin motherfucker motherfuckers motherfucking
			fuckwit fuckhead shit shits shitty shite bullshit horseshit shithead shitheads crap crappy asshole
			assholes arsehole arseholes arse ass asses jackass dumbass bitch bitches bitching bastard bastards
			damn damned goddamn dick dicks dickhead piss pissed cunt cunts cock cocks twat twats wanker wankers
			bollocks bugger slut sluts whore whores douche douchebag prick pricks tits bloody hell wtf stfu`},
		{lexInsult, `idiot idiots idiotic moron morons moronic stupid stupidity dumb dumber dumbest fool fools
			imbecile imbeciles cretin cretins loser losers pathetic clown clowns scum scumbag scumbags retard
			retards retarded dimwit halfwit nitwit numpty brainless worthless trash garbage pig pigs jerk jerks
			creep creeps freak freaks degenerate degenerates coward cowards ignoramus dunce buffoon buffoons
			lowlife sleazebag dope dopes dipshit twit twits airhead bonehead knucklehead muppet tosser
			pea-brained simpleton simpletons sheep sheeple snowflake snowflakes libtard libtards`},
		{lexDehuman, `vermin parasite parasites subhuman subhumans animals animal savages savage cockroaches
			cockroach rats rat filth filthy disease plague infestation infest invaders invasion breed breeding
			apes ape monkeys monkey beasts beast leeches leech swarm swarms scum mongrels`},
		{lexViolence, `kill kills killing killed killer shoot shoots shooting shot stab stabs stabbing stabbed
			hang hanged hanging lynch lynched lynching burn burned burning beat beating beaten murder murdered
			murdering bullet bullets bomb bombs bombing strangle strangled slaughter slaughtered execute
			executed die dies dead death hurt hurts torture tortured rape raped gun guns shotgun rifle knife
			punch punched smash bash choke behead beheaded massacre exterminate exterminated gas gassed
			drown drowned slit deport deported eliminate eradicate`},
		{lexIdentity, `muslim muslims islam islamic jew jews jewish christian christians catholic catholics
			black blacks white whites asian asians gay gays lesbian lesbians bisexual trans transgender
			women woman girls immigrant immigrants migrant migrants refugee refugees mexican mexicans arab
			arabs african africans hindu hindus sikh sikhs disabled homosexual homosexuals queer latino
			latinos latina hispanic hispanics chinese indian indians gypsy gypsies roma romani foreigners
			foreigner feminist feminists atheist atheists buddhist buddhists mormon mormons elderly
			autistic blind deaf lgbt lgbtq polish irish africans`},
		{lexSlur, `nigger niggers nigga niggas faggot faggots fag fags kike kikes spic spics chink chinks
			wetback wetbacks tranny trannies dyke dykes raghead ragheads towelhead towelheads paki pakis
			gook gooks coon coons beaner beaners kraut gyppo pikey pikeys wop wops dago tard`},
		{lexYou, `you your yours yourself yourselves ya u ur youre`},
		{lexIntent, `will should gonna going shall must deserve deserves deserved hope wish ought let`},
	}
	m := map[string]uint8{}
	for _, l := range lists {
		for _, w := range strings.Fields(l.words) {
			m[w] |= l.cat
		}
	}
	return m
}()

// lexCategory returns the lexicon categories of a normalized word. Words that begin with a
// swear word's stem ("fuckwits", "shitshow") count as profane too.
func lexCategory(w string) uint8 {
	c := lexicon[w]
	if c&lexProfane == 0 && len(w) > 4 && (strings.HasPrefix(w, "fuck") || strings.HasPrefix(w, "shit") ||
		strings.HasPrefix(w, "motherf") || strings.HasPrefix(w, "bullshit")) {
		c |= lexProfane
	}
	return c
}

// lexPairs are the ordered category pairs that form a feature when the second follows the
// first within lexWindow words in the same sentence: "you ... idiot", "should ... hang",
// "muslims ... vermin".
var lexPairs = [...][2]uint8{
	{lexYou, lexInsult}, {lexYou, lexProfane}, {lexYou, lexViolence}, {lexIntent, lexViolence},
	{lexViolence, lexYou}, {lexIdentity, lexDehuman}, {lexIdentity, lexViolence}, {lexViolence, lexIdentity},
	{lexIdentity, lexInsult}, {lexDehuman, lexIdentity},
}
