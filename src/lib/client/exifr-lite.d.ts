// exifr's "lite" build (JPEG and HEIC; TIFF, EXIF and GPS blocks) has the full build's API but
// ships no types of its own.
declare module 'exifr/dist/lite.esm.mjs' {
	export { parse } from 'exifr';
}
