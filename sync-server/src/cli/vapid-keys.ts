/** npm run vapid-keys [-- mailto:ops@example.gov]: a new VAPID key pair for Web Push (issue 16),
 * printed as the environment lines the server reads. Made once per deployment and kept: a new
 * pair invalidates every device's subscription, since browsers bind a subscription to the key. */
import webpush from 'web-push';

const subject = process.argv[2] ?? 'mailto:operator@example.gov';
const { publicKey, privateKey } = webpush.generateVAPIDKeys();
process.stdout.write(`VAPID_PUBLIC_KEY=${publicKey}\nVAPID_PRIVATE_KEY=${privateKey}\nVAPID_SUBJECT=${subject}\n`);
