/**
 * Arrow values as exact text, in DuckDB's words: the query console's result grid shows them and the
 * CSV export writes them. Plain TypeScript with no DOM or worker API, so the page and the workers
 * share it.
 *
 * Values are read from the raw buffers, not through Vector.get: it turns Int64 into lossy numbers,
 * decimals into scaled bigints and timestamps into ms. Types are told apart by typeId (never
 * instanceof): DuckDB's Node bundle brings its own copy of apache-arrow.
 */
import { type Data, type DataType, makeVector, type Vector, Type } from 'apache-arrow';
import { blobText, decimalText, floatText, int64Reader, intervalText } from './scalarText';
import { dateOfDays, splitUnits, timeOfDayText, timestampText } from './timeText';

/** A column's type as DuckDB names it (DuckDB sends HUGEINT as Decimal128(38,0)). */
export function arrowTypeName(type: DataType): string {
  const t = type as DataType & Record<string, unknown>;
  switch (type.typeId) {
    case Type.Int: {
      const name = ({ 8: 'TINYINT', 16: 'SMALLINT', 32: 'INTEGER', 64: 'BIGINT' } as Record<number, string>)[t.bitWidth as number];
      return t.isSigned ? (name ?? String(type)) : `U${name ?? String(type)}`;
    }
    case Type.Float:
      return (t.precision as number) === 2 ? 'DOUBLE' : 'FLOAT';
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'VARCHAR';
    case Type.Dictionary:
      return arrowTypeName(t.dictionary as DataType);
    case Type.Bool:
      return 'BOOLEAN';
    case Type.Date:
      return 'DATE';
    case Type.Timestamp:
      if (t.timezone) return 'TIMESTAMP WITH TIME ZONE';
      return ['TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP', 'TIMESTAMP_NS'][t.unit as number] ?? String(type);
    case Type.Time:
      return 'TIME';
    case Type.Decimal:
      return `DECIMAL(${t.precision as number},${t.scale as number})`;
    case Type.Interval:
      return 'INTERVAL';
    case Type.List:
      return `${arrowTypeName(type.children[0]!.type)}[]`;
    case Type.FixedSizeList:
      return `${arrowTypeName(type.children[0]!.type)}[${t.listSize as number}]`;
    case Type.Struct:
      return `STRUCT(${type.children.map((f) => `${f.name} ${arrowTypeName(f.type)}`).join(', ')})`;
    case Type.Map: {
      const [k, v] = type.children[0]!.type.children;
      return `MAP(${k ? arrowTypeName(k.type) : '?'}, ${v ? arrowTypeName(v.type) : '?'})`;
    }
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return 'BLOB';
    case Type.Null:
      return 'NULL';
    default:
      return String(type);
  }
}

type Text = (i: number) => string | null;

/**
 * The exact text of each value of `vector` (null for NULL), as DuckDB prints it; timestamps in UTC
 * terms, never in the viewer's zone. Set up once per column, then cheap per value: the CSV export
 * calls it for every value.
 */
export function columnText(vector: Vector): (row: number) => string | null {
  const chunks = vector.data.map(dataText);
  if (chunks.length === 1) return chunks[0]!;
  const starts: number[] = [];
  let n = 0;
  for (const d of vector.data) {
    starts.push(n);
    n += d.length;
  }
  let k = 0; // the chunk of the last row asked: rows usually come in order
  return (row) => {
    if (row < starts[k]! || row >= starts[k]! + vector.data[k]!.length) {
      // A jump (the grid scrolled): binary search for the last chunk starting at or before the row.
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= row) lo = mid;
        else hi = mid - 1;
      }
      k = lo;
    }
    return chunks[k]!(row - starts[k]!);
  };
}

/** The text of value i of one chunk (its offset applied as Arrow JS does: to the validity bitmap). */
export function dataText(d: Data): Text {
  const text = valueText(d);
  if (d.typeId === Type.Null) return () => null;
  // Unions keep no validity bitmap of their own.
  if (d.nullCount === 0 || d.typeId === Type.Union || !d.nullBitmap) return text;
  const bits = d.nullBitmap;
  const o = d.offset;
  return (i) => ((bits[(o + i) >> 3]! >> ((o + i) & 7)) & 1 ? text(i) : null);
}

const utf8 = new TextDecoder();

/** Value i's text, assuming it is not null. */
function valueText(d: Data): (i: number) => string {
  // Arrow JS slices value and offset buffers along with a Data: its `offset` is for bit buffers only.
  const t = d.type as DataType & Record<string, unknown>;
  switch (d.typeId) {
    case Type.Int: {
      const v = d.values as ArrayLike<number | bigint>;
      return (i) => String(v[i]);
    }
    case Type.Float:
      return floatText(d);
    case Type.Bool: {
      const bits = d.values as Uint8Array;
      const b = d.offset;
      return (i) => ((bits[(b + i) >> 3]! >> ((b + i) & 7)) & 1 ? 'true' : 'false');
    }
    case Type.Utf8:
    case Type.LargeUtf8:
      return stringText(d);
    case Type.Binary:
    case Type.LargeBinary: {
      const offsets = d.valueOffsets as ArrayLike<number | bigint>;
      const bytes = d.values as Uint8Array;
      return (i) => blobText(bytes, Number(offsets[i]), Number(offsets[i + 1]));
    }
    case Type.FixedSizeBinary: {
      const w = t.byteWidth as number;
      const bytes = d.values as Uint8Array;
      return (i) => blobText(bytes, i * w, (i + 1) * w);
    }
    case Type.Dictionary: {
      const indices = d.values as ArrayLike<number | bigint>;
      const dict = columnText(d.dictionary!);
      return (i) => dict(Number(indices[i])) ?? 'NULL';
    }
    case Type.Decimal:
      return decimalText(d.values as Uint32Array, t.scale as number, (t.bitWidth as number) / 32);
    case Type.Date: {
      const v = d.values as Int32Array | BigInt64Array;
      if ((t.unit as number) === 0) return (i) => dateOfDays((v as Int32Array)[i]!);
      const ms = int64Reader(v as BigInt64Array);
      return (i) => dateOfDays(Math.floor(Number(ms(i)) / 86_400_000));
    }
    case Type.Timestamp: {
      const read = int64Reader(d.values as BigInt64Array);
      const unit = t.unit as number;
      return (i) => {
        const [secs, frac] = splitUnits(read(i), unit);
        return timestampText(secs, frac, unit);
      };
    }
    case Type.Time: {
      const unit = t.unit as number;
      const v = d.values as Int32Array | BigInt64Array;
      const read = v instanceof Int32Array ? (i: number) => v[i]! : int64Reader(v as BigInt64Array);
      return (i) => {
        const [secs, frac] = splitUnits(read(i), unit);
        return timeOfDayText(secs, frac, unit);
      };
    }
    case Type.Interval:
      return intervalText(d.values as Int32Array, t.unit as number);
    case Type.List:
    case Type.FixedSizeList:
    case Type.Map: {
      const child = d.children[0]!;
      const item = d.typeId === Type.Map ? mapEntryText(child) : nested(dataText(child));
      const size = t.listSize as number;
      // Lists index their child through offsets; Arrow JS slices a fixed-size list's child with it.
      const offsets = d.valueOffsets as Int32Array | undefined;
      const [open, close] = d.typeId === Type.Map ? ['{', '}'] : ['[', ']'];
      return (i) => {
        const a = offsets ? offsets[i]! : i * size;
        const b = offsets ? offsets[i + 1]! : a + size;
        const parts: string[] = [];
        for (let j = a; j < b; j++) parts.push(item(j));
        return `${open}${parts.join(', ')}${close}`;
      };
    }
    case Type.Struct: {
      // Arrow JS slices a struct's children with it: they are indexed without the struct's offset.
      const fields = d.type.children.map((f, k) => [`'${f.name}': `, nested(dataText(d.children[k]!))] as const);
      return (i) => `{${fields.map(([key, text]) => key + text(i)).join(', ')}}`;
    }
    case Type.Duration: {
      const read = int64Reader(d.values as BigInt64Array);
      return (i) => String(read(i));
    }
    default: {
      const vector = makeVector(d);
      return (i) => String(vector.get(i));
    }
  }
}

/** A value inside a list, struct or map: NULL spelled out. */
const nested =
  (text: Text) =>
  (i: number): string =>
    text(i) ?? 'NULL';

function mapEntryText(entries: Data): (j: number) => string {
  const key = nested(dataText(entries.children[0]!));
  const value = nested(dataText(entries.children[1]!));
  return (j) => `${key(j)}=${value(j)}`;
}

/**
 * Text of a string column. Decoding each value is a call into the engine per value; a column seen
 * past a few hundred values whose bytes are all ASCII is decoded once and sliced instead (byte
 * offsets are then character offsets). The grid's few visible cells never pay for that.
 */
function stringText(d: Data): (i: number) => string {
  const offsets = d.valueOffsets as Int32Array | BigInt64Array;
  const bytes = d.values as Uint8Array;
  const at = offsets instanceof Int32Array ? (i: number) => offsets[i]! : (i: number) => Number(offsets[i]);
  let calls = 0;
  let whole: string | null = null;
  return (i) => {
    if (whole !== null) return whole.slice(at(i), at(i + 1));
    if (++calls === 512) {
      const end = at(d.length);
      let ascii = true;
      for (let k = 0; k < end && ascii; k++) ascii = bytes[k]! < 0x80;
      if (ascii) {
        whole = utf8.decode(bytes.subarray(0, end));
        return whole.slice(at(i), at(i + 1));
      }
    }
    return utf8.decode(bytes.subarray(at(i), at(i + 1)));
  };
}
