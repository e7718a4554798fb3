/** The part of snowball-stemmers (a JavaScript port of the Snowball stemmers) that Tawasul uses. */
declare module 'snowball-stemmers' {
	interface Stemmer {
		stem(word: string): string;
	}
	const snowball: {
		newStemmer(algorithm: string): Stemmer;
		algorithms(): string[];
	};
	export default snowball;
}
