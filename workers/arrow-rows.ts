/** Arrow → plain rows: numbers instead of BigInt, `YYYY-MM-DD[ HH:MM:SS]` text for dates and timestamps. */
import { type Table, Type, type DataType } from 'apache-arrow';

export type Row = Record<string, string | number | boolean | null>;

function isTemporal(t: DataType): 'date' | 'ts' | null {
  switch (t.typeId) {
    case Type.Date:
    case Type.DateDay:
    case Type.DateMillisecond:
      return 'date';
    case Type.Timestamp:
    case Type.TimestampMillisecond:
    case Type.TimestampMicrosecond:
    case Type.TimestampNanosecond:
    case Type.TimestampSecond:
      return 'ts';
    default:
      return null;
  }
}

function fmt(ms: number, kind: 'date' | 'ts'): string {
  const iso = new Date(ms).toISOString();
  return kind === 'date' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

export function rowsFromArrow(table: Table): Row[] {
  const fields = table.schema.fields.map((f) => ({ name: f.name, temporal: isTemporal(f.type) }));
  const cols = fields.map((_, i) => table.getChildAt(i));
  const out: Row[] = new Array(table.numRows);
  for (let r = 0; r < table.numRows; r++) {
    const row: Row = {};
    fields.forEach((f, i) => {
      const v: unknown = cols[i]?.get(r);
      if (v === null || v === undefined) row[f.name] = null;
      else if (f.temporal) row[f.name] = fmt(v instanceof Date ? v.getTime() : Number(v), f.temporal);
      else if (typeof v === 'bigint') row[f.name] = Number(v);
      else if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') row[f.name] = v;
      else row[f.name] = String(v);
    });
    out[r] = row;
  }
  return out;
}
