// A msgpack encoder for the values Keystone puts in token payloads, writing the same bytes
// as Python msgpack 1.0's packb() defaults (use_bin_type=True, smallest int form, str8
// allowed, floats always float64). General JS encoders write 1700000000.0 as an integer,
// which Python would not, so token bytes would differ; hence this small encoder.

/** Marks a number that Python holds as a float: always encoded as float64 (0xcb). */
export class Float64 {
  constructor(readonly value: number) {}
}

export type MsgpackValue = null | boolean | number | string | Uint8Array | Float64 | readonly MsgpackValue[];

const LONE_SURROGATE = /\p{Cs}/u;

function header(out: number[], length: number, small: number | undefined, smallMax: number, codes: readonly [number, number, number]): void {
  if (small !== undefined && length <= smallMax) out.push(small | length);
  else if (codes[0] !== 0 && length < 0x100) out.push(codes[0], length);
  else if (length < 0x10000) out.push(codes[1], length >> 8, length & 0xff);
  else out.push(codes[2], (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff);
}

function pushBigEndian(out: number[], code: number, value: bigint, bytes: number): void {
  out.push(code);
  for (let i = bytes - 1; i >= 0; i--) out.push(Number((value >> BigInt(8 * i)) & 0xffn));
}

function encodeInt(out: number[], value: number): void {
  if (!Number.isSafeInteger(value)) throw new TypeError(`msgpack: ${value} is not a safe integer (wrap floats in Float64)`);
  const big = BigInt(value);
  if (value >= 0) {
    if (value < 0x80) out.push(value);
    else if (value < 0x100) pushBigEndian(out, 0xcc, big, 1);
    else if (value < 0x10000) pushBigEndian(out, 0xcd, big, 2);
    else if (value < 0x100000000) pushBigEndian(out, 0xce, big, 4);
    else pushBigEndian(out, 0xcf, big, 8);
  } else if (value >= -32) {
    out.push(value & 0xff);
  } else {
    const twos = (bytes: number) => BigInt.asUintN(bytes * 8, big);
    if (value >= -0x80) pushBigEndian(out, 0xd0, twos(1), 1);
    else if (value >= -0x8000) pushBigEndian(out, 0xd1, twos(2), 2);
    else if (value >= -0x80000000) pushBigEndian(out, 0xd2, twos(4), 4);
    else pushBigEndian(out, 0xd3, twos(8), 8);
  }
}

function encodeInto(out: number[], value: MsgpackValue): void {
  if (value === null) out.push(0xc0);
  else if (value === false) out.push(0xc2);
  else if (value === true) out.push(0xc3);
  else if (typeof value === 'number') encodeInt(out, value);
  else if (value instanceof Float64) {
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value.value);
    out.push(0xcb, ...bytes);
  } else if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw new TypeError('msgpack: string is not valid Unicode');
    const bytes = Buffer.from(value, 'utf8');
    header(out, bytes.length, 0xa0, 31, [0xd9, 0xda, 0xdb]);
    for (const byte of bytes) out.push(byte);
  } else if (value instanceof Uint8Array) {
    header(out, value.length, undefined, 0, [0xc4, 0xc5, 0xc6]);
    for (const byte of value) out.push(byte);
  } else if (Array.isArray(value)) {
    header(out, value.length, 0x90, 15, [0, 0xdc, 0xdd]);
    for (const item of value as readonly MsgpackValue[]) encodeInto(out, item);
  } else {
    throw new TypeError(`msgpack: cannot encode ${typeof value}`);
  }
}

/** Encode one value; the bytes equal Python `msgpack.packb(value)` for the same data. */
export function encodeMsgpack(value: MsgpackValue): Uint8Array {
  const out: number[] = [];
  encodeInto(out, value);
  return Uint8Array.from(out);
}
