/** Text folding and tokens for comparing cases (issue 13): two complaints about one broken street
 * light, one written in Gulf dialect without hamzas and with Arabic-Indic digits, the other in
 * standard Arabic, must come out as nearly the same tokens. Builds on `normalizeArabic` (NFKC,
 * diacritics, tatweel, alef forms, alef maqsura, taa marbuta, both Indic digit blocks). */
import snowball from 'snowball-stemmers';
import { normalizeArabic } from './text.js';

const arabicStemmer = snowball.newStemmer('arabic');
const englishStemmer = snowball.newStemmer('english');

// Hamza on waw and yeh, and the lone hamza, are dropped or mis-typed by most writers on phones.
// Gulf letters: che (چ) stands for kaf in words like چذي, gaf (گ) for qaf, veh (ڤ) for feh.
const EXTRA_FOLDS: Record<string, string> = {
	'\u0624': '\u0648', // ؤ → و
	'\u0626': '\u064A', // ئ → ي
	'\u0621': '', // ء dropped
	'\u0686': '\u0643', // چ → ك
	'\u06AF': '\u0642', // گ → ق
	'\u06A4': '\u0641' // ڤ → ف
};
const EXTRA = new RegExp(`[${Object.keys(EXTRA_FOLDS).join('')}]`, 'g');

/** Gulf and Bahraini spellings mapped to the standard word a formal complaint would use, after
 * folding (so keys carry no hamza, ة is ه and ى is ي). Only words that name the same thing. */
const GULF_WORDS: Record<string, string> = {
	ماي: 'مياه',
	مايه: 'مياه',
	وايد: 'كثير',
	واجد: 'كثير',
	وين: 'اين',
	ليش: 'لماذا',
	شلون: 'كيف',
	اشلون: 'كيف',
	شنو: 'ماذا',
	الحين: 'الان',
	اللحين: 'الان',
	ماكو: 'لايوجد',
	مافي: 'لايوجد',
	مو: 'ليس',
	بيب: 'انبوب',
	بايب: 'انبوب',
	ليت: 'اناره',
	ليتات: 'اناره',
	لايت: 'اناره',
	سيكل: 'دراجه',
	بلاعه: 'بالوعه',
	بلاليع: 'بالوعه',
	جذي: 'كذا',
	كذي: 'كذا',
	زباله: 'قمامه',
	زبالة: 'قمامه',
	قماشه: 'قمامه',
	حفريه: 'حفره',
	دعامه: 'حادث',
	طافي: 'مطفا',
	طافيه: 'مطفا',
	طافيات: 'مطفا',
	خربان: 'معطل',
	خربانه: 'معطل',
	خربانين: 'معطل',
	عطلان: 'معطل',
	عطلانه: 'معطل',
	block: 'مجمع',
	blk: 'مجمع',
	road: 'طريق',
	rd: 'طريق',
	street: 'شارع',
	st: 'شارع',
	avenue: 'شارع',
	ave: 'شارع',
	house: 'منزل',
	villa: 'منزل',
	بيت: 'منزل',
	بلوك: 'مجمع',
	light: 'اناره',
	lamp: 'اناره',
	water: 'مياه',
	pipe: 'انبوب',
	garbag: 'قمامه',
	rubbish: 'قمامه',
	trash: 'قمامه',
	electr: 'كهربا',
	power: 'كهربا',
	pothol: 'حفره',
	sewag: 'مجاري',
	drain: 'مجاري'
};

/** Words too common to say anything about which case a text is. Compared after folding. */
const STOP_WORDS = new Set(
	(
		'في من على الي الى عن مع ان او ثم و يا هذا هذه ذلك تلك هناك هنا كان كانت يكون التي الذي الذين ' +
		'انا انتم نحن هو هي هم لي لنا له لها لهم عند عندنا عندي قد لقد كل بعد قبل حتي ايضا بس جدا ' +
		'ما ماذا لماذا كيف اين متي هل كم لو اذا لا لم لن ليس وش شو ' +
		'the a an of to in on at for and or is are was were be been it this that there with by from ' +
		'i we you they my our your please pls not no'
	).split(' ')
);
const ATTACHED_PARTICLES = /^(?:و|ف|ب|ل|ك)(?=ال)/;

type TokenKind = 'word' | 'number';
export interface MatchToken {
	/** The folded, stemmed form compared between texts. */
	key: string;
	kind: TokenKind;
}

/** Fold a text for matching: `normalizeArabic`, the hamza and Gulf letter folds, and every run of
 * punctuation, symbols or emoji turned into one space. Never throws: any string gives a string. */
export function foldForMatch(text: string): string {
	if (typeof text !== 'string' || text.length === 0) return '';
	// "ماء" (water) would fold to the particle "ما"; it is named by its plural before the hamza goes.
	return normalizeArabic(text)
		.replace(/(^|[^\p{L}])((?:[وفب]?ال)?)ماء(?![\p{L}])/gu, '$1$2مياه')
		.replace(EXTRA, (c) => EXTRA_FOLDS[c])
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.replace(/(\p{N})(?=\p{L})|(\p{L})(?=\p{N})/gu, '$1$2 ')
		.trim();
}

const ARABIC = /\p{Script=Arabic}/u;
const NUMBER = /^\p{N}+$/u;

function stemArabic(word: string): string {
	const stem = arabicStemmer.stem(word);
	return stem.length >= 2 ? stem : word;
}

const stemCache = new Map<string, string>();

function stemWord(word: string): string {
	const cached = stemCache.get(word);
	if (cached !== undefined) return cached;
	let stem: string;
	if (ARABIC.test(word)) {
		// The article goes before stemming: the stemmer treats "المياه" and "مياه" differently.
		const withArticle = word.replace(ATTACHED_PARTICLES, '');
		const bare = withArticle.length > 4 ? withArticle.replace(/^ال/, '') : withArticle;
		const gulf = Object.hasOwn(GULF_WORDS, withArticle) ? GULF_WORDS[withArticle] : Object.hasOwn(GULF_WORDS, bare) ? GULF_WORDS[bare] : undefined;
		stem = stemArabic(gulf ?? bare);
	} else {
		const english = englishStemmer.stem(word);
		const gulf = Object.hasOwn(GULF_WORDS, word) ? GULF_WORDS[word] : Object.hasOwn(GULF_WORDS, english) ? GULF_WORDS[english] : undefined;
		stem = gulf ? stemArabic(gulf) : english;
	}
	// Bounded: a stream of hostile one-off words must not grow the cache without end.
	if (stemCache.size > 50_000) stemCache.clear();
	stemCache.set(word, stem);
	return stem;
}

/** The tokens of a text, in order: stemmed words (Arabic by the Snowball Arabic stemmer, Latin by
 * the Snowball English one, Gulf words first mapped to their standard form) and numbers as written
 * (street, road, block and house numbers tell two places apart). Stop words are left out unless
 * nothing else remains, so a one-word text still has a token. */
export function matchTokens(text: string): MatchToken[] {
	return foldedTokens(foldForMatch(text));
}

/** `matchTokens` of a text already passed through `foldForMatch`. */
export function foldedTokens(folded: string): MatchToken[] {
	if (!folded) return [];
	const all: MatchToken[] = [];
	for (const word of folded.split(' ')) {
		if (NUMBER.test(word)) {
			all.push({ key: String(Number(word.length > 15 ? word.slice(0, 15) : word)), kind: 'number' });
			continue;
		}
		all.push({ key: stemWord(word), kind: 'word' });
	}
	const content = all.filter((t) => t.kind === 'number' || !STOP_WORDS.has(t.key));
	return content.length > 0 ? content : all;
}
