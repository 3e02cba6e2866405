/**
 * Audience export: normalisation as the ad platforms document it, SHA-256 checked against
 * node:crypto (an independent implementation), bad phones counted and listed; named attributes
 * built from a customers file's columns without a role, and read back in one query.
 */
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { openEmptyDb, query } from '../helpers/duckdb';
import { hashedAudience, normaliseEmail, normalisePhone, sha256Hex } from '../../src/analysis/audience/normalise';
import { contactsOf } from '../../src/analysis/audience/contacts';
import { buildCanonical } from '../../src/ingest/canonical';
import { attributeSpecs, guessAttributeType, withAttributeType } from '../../src/ingest/extra-attributes';
import { DEFAULT_REFUND_RULE, type FileMapping, type RawFile } from '../../src/ingest/mapping';
import { raw } from '../../src/lib/sql';

const nodeSha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('normalisation', () => {
  it('e-mail: trimmed, lower case; not an address → null', () => {
    expect(normaliseEmail('  Ann.Lee@Example.COM ')).toBe('ann.lee@example.com');
    expect(normaliseEmail('not-an-email')).toBeNull();
    expect(normaliseEmail(null)).toBeNull();
  });

  it('phone: E.164 with the chosen default country; an invalid number → null', () => {
    expect(normalisePhone('138 0013 8000', 'CN')).toBe('+8613800138000');
    expect(normalisePhone('(021) 6234 5678', 'CN')).toBe('+862162345678');
    expect(normalisePhone('020 7946 0958', 'GB')).toBe('+442079460958');
    // an international number keeps its own country whatever the default
    expect(normalisePhone('+86 139-1234-5678', 'US')).toBe('+8613912345678');
    expect(normalisePhone('12', 'CN')).toBeNull();
    expect(normalisePhone('n/a', 'CN')).toBeNull();
  });

  it('SHA-256 (WebCrypto) matches node:crypto', async () => {
    for (const s of ['', 'ann.lee@example.com', '+8613800138000', '中文@例子.中国']) expect(await sha256Hex(s)).toBe(nodeSha(s));
  });
});

describe('hashed audience file', () => {
  it('hashes normalised values, lists bad phones and e-mails, skips customers with nothing usable', async () => {
    const { csv, summary } = await hashedAudience(
      [
        { customer_id: 'a', email: ' Ann@X.com', phone: '138 0013 8000' },
        { customer_id: 'b', email: null, phone: '12' },
        { customer_id: 'c', email: 'bad', phone: null },
        { customer_id: 'd', email: null, phone: null },
        { customer_id: 'e', email: 'e@y.org', phone: 'n/a' },
      ],
      'CN',
    );
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toEqual(['email,phone', `${nodeSha('ann@x.com')},${nodeSha('+8613800138000')}`, `${nodeSha('e@y.org')},`]);
    expect(summary).toEqual({
      customers: 5,
      written: 2,
      emails: 2,
      phones: 1,
      badEmails: [{ customer_id: 'c', value: 'bad' }],
      badPhones: [
        { customer_id: 'b', value: '12' },
        { customer_id: 'e', value: 'n/a' },
      ],
      noContact: 1,
    });
  });
});

describe('named attributes from a customers file', () => {
  const file: RawFile = {
    name: 'c.csv',
    table: 'raw_c',
    rows: 3,
    columns: [
      { name: 'id', type: 'VARCHAR', samples: ['u1', 'u2', 'u3'] },
      { name: 'city', type: 'VARCHAR', samples: ['Shanghai', null, 'Beijing'] },
      { name: 'E-mail', type: 'VARCHAR', samples: ['A@x.com', null, 'c@z.cn'] },
      { name: 'Phone', type: 'VARCHAR', samples: ['13800138000', '021 6234 5678', null] },
      { name: 'Tags', type: 'VARCHAR', samples: ['vip; gold', 'new', null] },
      { name: 'points', type: 'VARCHAR', samples: ['1,200', '30', null] },
      { name: 'joined', type: 'VARCHAR', samples: ['2023-04-01', '2024-01-15', null] },
    ],
  };
  const mapping: FileMapping = {
    file: 'c.csv',
    table: 'raw_c',
    role: 'customers',
    columns: { id: 'customer_id', city: 'city', 'E-mail': 'ignore' },
    timestampFormat: null,
    tzOffsetMinutes: 0,
  };

  it('guesses names and types: contact data text, tags a list, numbers, dates', () => {
    expect(attributeSpecs(file, mapping)).toEqual({
      'E-mail': { name: 'e-mail', type: 'text' },
      Phone: { name: 'phone', type: 'text' },
      Tags: { name: 'tags', type: 'list' },
      points: { name: 'points', type: 'number' },
      joined: { name: 'joined', type: 'date' },
    });
    expect(guessAttributeType({ name: 'level', type: 'VARCHAR', samples: ['gold', 'silver'] })).toBe('text');
    // the user's choice wins over the guess
    expect(attributeSpecs(file, { ...mapping, attributes: { Phone: { name: 'mobile', type: 'text' } } })).toEqual({
      Phone: { name: 'mobile', type: 'text' },
    });
  });

  it('the mapping panel changes one column: the other guesses are kept as they were shown', () => {
    const edited = withAttributeType(file, mapping, 'points', 'text');
    expect(edited.points).toEqual({ name: 'points', type: 'text' });
    expect(edited.Tags).toEqual({ name: 'tags', type: 'list' });
    const dropped = withAttributeType(file, { ...mapping, attributes: edited }, 'Phone', null);
    expect(Object.keys(dropped).sort()).toEqual(['E-mail', 'Tags', 'joined', 'points']);
  });

  it('builds customer_attributes in the canonical build; contacts read back in one query', async () => {
    const db = await openEmptyDb();
    await db.run(`CREATE TABLE raw_c AS SELECT * FROM (VALUES
      (1, 'u1', 'Shanghai', 'A@x.com', '13800138000', 'vip; gold', '1,200', '2023-04-01'),
      (2, 'u2', NULL, NULL, '021 6234 5678', 'new', '30', '2024-01-15'),
      (3, 'u3', 'Beijing', 'c@z.cn', NULL, NULL, NULL, NULL)) t(__row, id, city, "E-mail", Phone, Tags, points, joined)`);
    const { statements, issues } = buildCanonical([file], [mapping], DEFAULT_REFUND_RULE);
    expect(issues.filter((i) => i.level === 'error')).toEqual([]);
    for (const s of statements) await db.run(s);
    const rows = await query(
      db,
      `SELECT customer_id, name, type, text, num, CAST(date AS VARCHAR) AS date, list FROM customer_attributes ORDER BY 1, 2`,
    );
    expect(rows.map((r) => [r.customer_id, r.name, r.type, r.text, r.num, r.date, r.list])).toEqual([
      ['u1', 'e-mail', 'text', 'A@x.com', null, null, null],
      ['u1', 'joined', 'date', '2023-04-01', null, '2023-04-01', null],
      ['u1', 'phone', 'text', '13800138000', null, null, null],
      ['u1', 'points', 'number', '1,200', 1200, null, null],
      ['u1', 'tags', 'list', 'vip; gold', null, null, ['vip', 'gold']],
      ['u2', 'joined', 'date', '2024-01-15', null, '2024-01-15', null],
      ['u2', 'phone', 'text', '021 6234 5678', null, null, null],
      ['u2', 'points', 'number', '30', 30, null, null],
      ['u2', 'tags', 'list', 'new', null, null, ['new']],
      ['u3', 'e-mail', 'text', 'c@z.cn', null, null, null],
    ]);
    const contacts = await query(db, contactsOf(raw('SELECT customer_id FROM customers'), { email: 'e-mail', phone: 'phone' }));
    expect(contacts).toEqual([
      { customer_id: 'u1', email: 'A@x.com', phone: '13800138000' },
      { customer_id: 'u2', email: null, phone: '021 6234 5678' },
      { customer_id: 'u3', email: 'c@z.cn', phone: null },
    ]);
  });
});
