// Just enough PNG for visual diffs: 8-bit, non-interlaced RGB or RGBA in, RGBA out. Screenshots from a
// browser are exactly that; anything else is refused with a message naming the file.
import { deflateSync, inflateSync } from 'node:zlib';
import { UsageError } from '../errors.js';

export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, row by row. */
  pixels: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** Decodes a PNG file's bytes; `label` (the path) names the file in errors. */
export function decodePng(data: Buffer, label: string): RgbaImage {
  const fail = (why: string) => new UsageError(`unsupported PNG for visual diff: ${label}: ${why}`);
  if (data.length < 8 || !data.subarray(0, 8).equals(SIGNATURE)) {
    throw new UsageError(`unsupported image format for visual diff: ${label} is not a PNG`);
  }
  let offset = 8;
  let header: { width: number; height: number; colorType: number } | undefined;
  const idat: Buffer[] = [];
  while (offset < data.length) {
    if (offset + 8 > data.length) throw fail('truncated chunk');
    const length = data.readUInt32BE(offset);
    const type = data.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > data.length) throw fail('truncated chunk');
    const body = data.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      const [depth, colorType, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      if (depth !== 8 || (colorType !== 2 && colorType !== 6) || interlace !== 0) {
        throw fail('only 8-bit non-interlaced RGB or RGBA images are supported');
      }
      header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), colorType };
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    offset = end;
  }
  if (!header) throw fail('missing IHDR');
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch (error) {
    throw fail(`bad zlib data (${(error as Error).message})`);
  }
  const channels = header.colorType === 6 ? 4 : 3;
  const stride = header.width * channels;
  if (raw.length !== (stride + 1) * header.height) throw fail('bad scanline length');
  const pixels = new Uint8Array(header.width * header.height * 4);
  let previous = new Uint8Array(stride);
  for (let y = 0; y < header.height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Uint8Array.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const left = i >= channels ? (line[i - channels] as number) : 0;
      const up = previous[i] as number;
      const upLeft = i >= channels ? (previous[i - channels] as number) : 0;
      const value = line[i] as number;
      if (filter === 0) continue;
      if (filter === 1) line[i] = value + left;
      else if (filter === 2) line[i] = value + up;
      else if (filter === 3) line[i] = value + ((left + up) >> 1);
      else if (filter === 4) line[i] = value + paeth(left, up, upLeft);
      else throw fail(`unknown filter ${filter}`);
    }
    for (let x = 0; x < header.width; x++) {
      const to = (y * header.width + x) * 4;
      pixels[to] = line[x * channels] as number;
      pixels[to + 1] = line[x * channels + 1] as number;
      pixels[to + 2] = line[x * channels + 2] as number;
      pixels[to + 3] = channels === 4 ? (line[x * channels + 3] as number) : 255;
    }
    previous = line;
  }
  return { width: header.width, height: header.height, pixels };
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** An RGBA PNG (filter 0 on every row). */
export function encodePng(image: RgbaImage): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(image.width, 0);
  ihdr.writeUInt32BE(image.height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const stride = image.width * 4;
  const raw = Buffer.alloc((stride + 1) * image.height);
  for (let y = 0; y < image.height; y++)
    raw.set(image.pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
