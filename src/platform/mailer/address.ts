// The syntax of a deliverable address: what the mailer (and any relay) reads
// exactly as we store it. The users module builds its email rule on this, and
// migrations that rewrote stored addresses use it too.
import { domainToASCII } from 'node:url';

// RFC 5322 atext: ASCII letters, digits and these. A local part is a dot-atom
// of it. Quoted local parts are refused, and so is anything non-ASCII before
// the @ (RFC 6531 needs SMTPUTF8 at every hop, and nodemailer would then
// rewrite the domain back to Unicode): every accepted address is plain ASCII
// that nodemailer, and any relay, reads exactly as we stored it.
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;
const LOCAL_MAX = 64; // RFC 5321 4.5.3.1.1
const DOMAIN_MAX = 253; // RFC 1035, without the root's dot
export const ADDRESS_MAX = 254; // RFC 5321 path limit minus the angle brackets
// What a domain may be typed with before IDNA: letters, marks, digits, hyphens
// and dots. IDNA itself would also drop invisible characters and decode `%41`,
// which is not how any mailer reads a domain: such input is refused instead.
const DOMAIN_INPUT = /^[\p{L}\p{M}\p{N}.-]+$/u;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The ASCII domain (punycode), lower-cased, without a trailing dot; null when it is no host name. */
function mailDomain(typed: string): string | null {
  const domain = typed.endsWith('.') ? typed.slice(0, -1) : typed;
  if (!DOMAIN_INPUT.test(domain)) return null;
  const ascii = domainToASCII(domain);
  if (ascii === '' || ascii.length > DOMAIN_MAX) return null;
  const labels = ascii.split('.');
  // At least a name and a top-level domain; an all-digit TLD is an IP address.
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  return /^[0-9]+$/.test(labels.at(-1)!) ? null : ascii;
}

/**
 * The mailbox an address names, in the one spelling we store
 * (`Ada@Bücher.Example.` -> `ada@xn--bcher-kva.example`), or null when it is
 * not a plain addr-spec: comments, display names, angle brackets, groups,
 * quoted or non-ASCII local parts, IP literals and dotless domains are refused.
 */
export function parseEmail(input: string): string | null {
  const address = input.trim().normalize('NFC');
  const at = address.lastIndexOf('@');
  if (at <= 0) return null;
  const local = address.slice(0, at);
  if (local.length > LOCAL_MAX || !DOT_ATOM.test(local)) return null;
  const domain = mailDomain(address.slice(at + 1));
  if (domain === null) return null;
  // Local parts are case-sensitive on paper and case-blind in every mailbox
  // people use: one spelling per mailbox, so one account per mailbox.
  const mailbox = `${local.toLowerCase()}@${domain}`;
  return mailbox.length > ADDRESS_MAX ? null : mailbox;
}
