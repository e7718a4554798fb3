/** The page's performance measure of each photo made ready to send (client/files.ts), which
 * `npm run bench photo` reads: its duration, and in its detail the bytes picked (`bytes_in`) and
 * the bytes that will be sent (`bytes_out`). */
export const PHOTO_MEASURE = 'tawasul:photo-prepared';
