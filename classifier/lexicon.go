package classifier

import (
	"errors"
	"slices"
	"strings"
)

// Lexicon categories of a word, a bit set. The lists below are written by us; they name words
// a moderator looks for, so that a head can learn from every word of a category what it would
// otherwise have to learn word by word from rare examples. Whether and how much a category
// counts is learned from the data like any other feature.
const (
	lexProfane  uint16 = 1 << iota // swear words
	lexInsult                      // words that insult a person
	lexDehuman                     // words that deny people their humanity
	lexViolence                    // words of physical harm
	lexIdentity                    // names of groups people belong to
	lexSlur                        // slurs against a group
	lexYou                         // second person
	lexIntent                      // will, should, going to: what someone means to do
	// Version 2 adds the categories below.
	lexGeneral // all, every, typical: a claim about a whole group
	lexMenace  // where someone lives, alone, tonight: the setting of a veiled threat
	lexBody    // body parts, hospital, grave: where harm lands
	lexExclude // banned, deported, not allowed: shutting a group out
)

var lexNames = [...]string{"profane", "insult", "dehuman", "violence", "identity", "slur", "you", "intent",
	"general", "menace", "body", "exclude"}

// LexiconLatest is the lexicon version Train uses. A model records the version it was trained
// with (FeatureConfig.LexiconVersion; 0 means 1), so that a model trained with older lists keeps
// the features it learned.
const LexiconLatest = 2

// lexWindow is how many words apart two lexicon words may be to form a pair feature.
const lexWindow = 4

// lexTable is one version of the lexicon: word categories and the pairs that form features.
type lexTable struct {
	words map[string]uint16
	pairs [][2]uint16
}

// lexLists are the word lists of version 1; lexAdditions what version 2 adds to them.
// lexList is one category's words, separated by white space.
type lexList struct {
	cat   uint16
	words string
}

var lexLists = []lexList{
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

var lexAdditions = []lexList{
	// Words that are as often civil in news comments ("school breaks", "a phone ban", "hospital
	// waiting lists", "head of the council", "injured in a crash") are left out: a category
	// learns one weight for all its words.
	{lexInsult, `incompetent useless lazy slob slobs crook crooks liar liars nutcase nutcases nutter nutters
		nutjob lunatic lunatics maniac maniacs psycho psychos hysterical deficient dummy dummies braindead
		whiny spoilt brat brats crybaby crybabies hypocrite hypocrites traitor traitors sellout shill shills
		troll trolls bigot bigots clueless ignorant inept dimwitted gormless delusional deranged unhinged
		disgusting vile repulsive stupidest dumbo dork wimp wimps sissy weasel weasels dolt dolts oaf oafs
		goon goons thug thugs grifter grifters charlatan charlatans idiocy dimwits halfwits cretinous
		imbecilic spineless gutless sleazy slimy lowlifes pillock pillocks plonker prat prats git gits`},
	{lexDehuman, `insects lice maggot maggots roaches rodent rodents pest pests sewage barbarian barbarians
		uncivilised uncivilized inferior hordes horde perverts pervert paedophiles pedophiles paedos pedos
		groomers groomer mongrel freaks degenerates illegals breeders`},
	{lexViolence, `cripple crippled maim maimed firebomb firebombed firebombing molotov arson machete stomp
		stomped pummel pummelled grenade acid noose guillotine assassinate assassinated assassination
		decapitate dismember poison poisoned suffocate suffocated hospitalise hospitalize kneecap kneecapped
		castrate choked chokes choking strangling gunned beatdown bludgeon bludgeoned slaughtering
		incinerate torch torched`},
	{lexIdentity, `pensioners boomers travellers travelers romanians nigerians somalis somali pakistanis
		pakistani turks russians poles ukrainians syrians afghans iraqis iranians palestinians israelis
		aboriginal indigenous natives latinx nonbinary lesbians bisexuals queers handicapped females males
		protestants protestant evangelicals evangelical jains amish blacks whites asians japanese koreans
		korean vietnamese filipinos filipino scots welsh transgenders gays asylum seekers
		christians hindus buddhists immigrants`},
	{lexGeneral, `all every typical typically always inherently naturally nature entire whole these those
		everyone none any`},
	{lexMenace, `address alone tonight shoulder careful whereabouts doorstep`},
	{lexBody, `legs leg neck teeth skull throat knees kneecaps bones spine ribs jaw bodybag coffin`},
	{lexExclude, `deported deport expel expelled segregate segregated excluded barred sterilised sterilized
		interned camps allowed`},
}

// lexPairsV1 are the ordered category pairs that form a feature when the second follows the
// first within lexWindow words in the same sentence: "you ... idiot", "should ... hang",
// "muslims ... vermin". Version 2 adds lexPairsV2.
var lexPairsV1 = [][2]uint16{
	{lexYou, lexInsult}, {lexYou, lexProfane}, {lexYou, lexViolence}, {lexIntent, lexViolence},
	{lexViolence, lexYou}, {lexIdentity, lexDehuman}, {lexIdentity, lexViolence}, {lexViolence, lexIdentity},
	{lexIdentity, lexInsult}, {lexDehuman, lexIdentity},
}

var lexPairsV2 = [][2]uint16{
	{lexGeneral, lexIdentity}, {lexIdentity, lexGeneral}, {lexIdentity, lexExclude}, {lexIntent, lexExclude},
	{lexYou, lexMenace}, {lexMenace, lexYou}, {lexIntent, lexMenace}, {lexIntent, lexBody},
	{lexViolence, lexBody}, {lexBody, lexViolence}, {lexInsult, lexInsult}, {lexGeneral, lexInsult},
}

// lexTables holds every version; index 0 and 1 are version 1.
var lexTables = func() []*lexTable {
	v1 := newLexTable(lexPairsV1, lexLists)
	v2 := newLexTable(append(slices.Clone(lexPairsV1), lexPairsV2...), lexLists, lexAdditions)
	return []*lexTable{v1, v1, v2}
}()

// newLexTable builds a lexicon of the given pairs from word lists; a word in several lists has
// all their categories.
func newLexTable(pairs [][2]uint16, lists ...[]lexList) *lexTable {
	t := &lexTable{words: map[string]uint16{}, pairs: pairs}
	for _, ls := range lists {
		for _, l := range ls {
			for _, w := range strings.Fields(l.words) {
				t.words[w] |= l.cat
			}
		}
	}
	return t
}

// lexiconFor returns the lexicon of version v (0 means 1).
func lexiconFor(v int) (*lexTable, error) {
	if v < 0 || v >= len(lexTables) {
		return nil, errors.New("model header: lexicon version not known to this Tribune (a newer one trained it)")
	}
	return lexTables[v], nil
}

// category returns the lexicon categories of a normalized word. Words that begin with a
// swear word's stem ("fuckwits", "shitshow") count as profane too.
func (t *lexTable) category(w string) uint16 {
	c := t.words[w]
	if c&lexProfane == 0 && len(w) > 4 && (strings.HasPrefix(w, "fuck") || strings.HasPrefix(w, "shit") ||
		strings.HasPrefix(w, "motherf") || strings.HasPrefix(w, "bullshit")) {
		c |= lexProfane
	}
	return c
}

// LexiconCategories returns the names of the latest lexicon's categories that word belongs to
// ("insult", "slur", ...), in category order; none for a word of no category. word is compared
// as it is: fold it first (textnorm.Words gives folded words).
func LexiconCategories(word string) []string {
	c := lexTables[LexiconLatest].category(word)
	var out []string
	for i, name := range lexNames {
		if c&(1<<i) != 0 {
			out = append(out, name)
		}
	}
	return out
}
