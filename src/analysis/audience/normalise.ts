/**
 * Audience file for ad platforms' customer-list upload (Google Customer Match, Meta custom
 * audiences, TikTok): e-mail and phone normalised as the platforms document it, then SHA-256
 * hashed in the browser (WebCrypto). Pure: no DOM, no worker; runs in Node tests as well.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { toCsv } from '../../lib/csv';

/** Trimmed and lower-cased; null unless it looks like an address (one `@`, a dot in the domain). */
export function normaliseEmail(value: string | null): string | null {
  if (value === null) return null;
  const e = value.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e) ? e : null;
}

/** E.164 (`+8613800138000`), numbers without a country code read in `country`; null when not a valid number. */
export function normalisePhone(value: string | null, country: CountryCode): string | null {
  if (value === null || value.trim() === '') return null;
  const p = parsePhoneNumberFromString(value.trim(), { defaultCountry: country });
  return p?.isValid() ? p.number : null;
}

/** SHA-256 of the UTF-8 text, lower-case hex (WebCrypto `crypto.subtle.digest`). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** One customer's contact values as stored (null: the attribute is empty). */
export interface ContactRow {
  customer_id: string;
  email: string | null;
  phone: string | null;
}

/** What the export did, for the summary shown beside the download. */
export interface AudienceSummary {
  customers: number;
  /** rows written (customers with at least one usable value) */
  written: number;
  emails: number;
  phones: number;
  /** values present but not usable: counted and listed, never silently dropped */
  badEmails: { customer_id: string; value: string }[];
  badPhones: { customer_id: string; value: string }[];
  /** customers with neither an e-mail nor a phone value */
  noContact: number;
}

export interface AudienceFile {
  csv: string;
  summary: AudienceSummary;
}

/**
 * The hashed audience: columns `email` and `phone` (SHA-256 hex of the normalised values; empty
 * when the customer has none), one row per customer with at least one usable value.
 */
export async function hashedAudience(rows: readonly ContactRow[], country: CountryCode): Promise<AudienceFile> {
  const summary: AudienceSummary = { customers: rows.length, written: 0, emails: 0, phones: 0, badEmails: [], badPhones: [], noContact: 0 };
  const out: string[][] = [];
  for (const r of rows) {
    const email = normaliseEmail(r.email);
    const phone = normalisePhone(r.phone, country);
    if (r.email !== null && r.email.trim() !== '' && email === null) summary.badEmails.push({ customer_id: r.customer_id, value: r.email });
    if (r.phone !== null && r.phone.trim() !== '' && phone === null) summary.badPhones.push({ customer_id: r.customer_id, value: r.phone });
    if ((r.email ?? '').trim() === '' && (r.phone ?? '').trim() === '') summary.noContact++;
    if (email === null && phone === null) continue;
    if (email) summary.emails++;
    if (phone) summary.phones++;
    out.push([email ? await sha256Hex(email) : '', phone ? await sha256Hex(phone) : '']);
  }
  summary.written = out.length;
  return { csv: toCsv(['email', 'phone'], out), summary };
}
