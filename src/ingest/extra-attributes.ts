/**
 * Profile columns the mapping has no role for (e-mail, phone, tags, membership level …) become
 * named attributes of the customer — text, number, date or list — in the long table
 * `customer_attributes` (one row per customer and attribute name). Rules, the profile page,
 * cross-tabs and audience export read them there.
 */
import { type Sql, sql, raw } from '../lib/sql';
import type { FileMapping, RawColumn, RawFile } from './mapping';
import { numberExpr, numericShare, textExpr } from './values';
import { rc, tableOf, type Mapped } from './canonical-parts';

export type AttributeType = 'text' | 'number' | 'date' | 'list';
export interface AttributeSpec {
  /** the attribute's name (lower case, as rules and links refer to it) */
  name: string;
  type: AttributeType;
}

const LIST_SPLIT = '\\s*[;|,，、]\\s*';
const CONTACT = /mail|phone|mobile|tel|电话|手机|邮箱|wechat|微信/i;
const LISTY = /tags?$|标签|labels?$|interests?$/i;

/** An attribute name from a header: trimmed, lower case, inner spaces as `_`. */
export function attributeName(header: string): string {
  return header.trim().toLowerCase().replace(/\s+/g, '_').slice(0, 60);
}

/** The type an attribute's samples read as: contact data and tags by header, else by values. */
export function guessAttributeType(c: RawColumn): AttributeType {
  const vals = c.samples.filter((s): s is string => s !== null && s.trim() !== '');
  if (CONTACT.test(c.name)) return 'text';
  if (LISTY.test(c.name)) return 'list';
  if (vals.length === 0) return 'text';
  if (vals.every((v) => /^\d{4}-\d{2}-\d{2}([ T].*)?$/.test(v.trim()))) return 'date';
  if (numericShare(vals) >= 0.95 && !vals.some((v) => /^0\d/.test(v.trim()))) return 'number';
  if (vals.filter((v) => /[;|]/.test(v)).length >= vals.length * 0.3) return 'list';
  return 'text';
}

/**
 * The named attributes of a customers file: the mapping's own (`attributes`, edited by the user),
 * else every column without a role, typed by `guessAttributeType`.
 */
export function attributeSpecs(file: RawFile, m: FileMapping): Record<string, AttributeSpec> {
  if (m.role !== 'customers') return {};
  if (m.attributes) return m.attributes;
  const out: Record<string, AttributeSpec> = {};
  for (const c of file.columns) {
    if (c.name === '__row') continue;
    const role = m.columns[c.name];
    if (role !== undefined && role !== 'ignore') continue;
    out[c.name] = { name: attributeName(c.name), type: guessAttributeType(c) };
  }
  return out;
}

function valueColumns(c: RawColumn, type: AttributeType): Sql {
  const text = textExpr(rc(c));
  const none = raw('NULL');
  if (type === 'number') return sql`${text}, ${numberExpr(rc(c), c.type)}, ${none}, ${none}`;
  if (type === 'date') return sql`${text}, ${none}, TRY_CAST(left(${text}, 10) AS DATE), ${none}`;
  if (type === 'list')
    return sql`${text}, ${none}, ${none}, list_filter(list_transform(string_split_regex(${text}, ${LIST_SPLIT}), x -> trim(x)), x -> x <> '')`;
  return sql`${text}, ${none}, ${none}, ${none}`;
}

/** Statements that add a customers file's named attributes to `__attrs` (`key`: its customer key). */
export function attributeStatements(x: Mapped, key: Sql): Sql[] {
  const specs = attributeSpecs(x.file, x.m);
  const out: Sql[] = [];
  for (const [col, spec] of Object.entries(specs)) {
    const c = x.file.columns.find((k) => k.name === col);
    if (!c) continue;
    out.push(
      sql`INSERT INTO __attrs SELECT ${key}, ${spec.name}, ${spec.type}, ${valueColumns(c, spec.type)} FROM ${tableOf(x)} r
  WHERE ${key} IS NOT NULL AND ${textExpr(rc(c))} IS NOT NULL`,
    );
  }
  return out;
}

/** Before the customers files: the staging table. */
export const ATTRS_STAGE = raw(`CREATE OR REPLACE TEMP TABLE __attrs (customer_id VARCHAR, name VARCHAR, type VARCHAR, text VARCHAR,
  num DOUBLE, date DATE, list VARCHAR[])`);

/** After them: one row per customer and name (the first file's value wins), then the stage dropped. */
export const ATTRS_FINISH = [
  raw(`INSERT INTO customer_attributes SELECT customer_id, name, first(type), first(text), first(num), first(date), first(list)
    FROM __attrs GROUP BY customer_id, name`),
  raw('DROP TABLE IF EXISTS __attrs'),
];

/**
 * The mapping's attributes with one column's type changed (`null`: not an attribute). The guessed
 * specs are written out first, so the other columns keep what the user saw.
 */
export function withAttributeType(
  file: RawFile,
  m: FileMapping,
  column: string,
  type: AttributeType | null,
): Record<string, AttributeSpec> {
  const out = { ...attributeSpecs(file, m) };
  if (type === null) delete out[column];
  else out[column] = { name: out[column]?.name ?? attributeName(column), type };
  return out;
}
