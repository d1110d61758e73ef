import { crc32, deflateSync } from 'node:zlib';

/**
 * Small, valid media files built in memory, so the tests need no binary fixtures: a few MPEG-1 Layer III
 * frames of silence, a PCM WAV file, a PNG, and a baseline JPEG header with an EXIF orientation.
 */

/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, mono: 417-byte frames of 1152 samples (about 26 ms each). */
export const MP3_FRAME_BYTES = 417;

/** `count` frames of silence: a valid header, zeroed side information (no Huffman data), zero padding. */
export function mp3(count: number): Uint8Array {
  const out = new Uint8Array(MP3_FRAME_BYTES * count);
  for (let i = 0; i < count; i++) {
    // sync + MPEG-1 + Layer III + no CRC | 128 kbit/s, 44.1 kHz, no padding | mono, original
    out.set([0xff, 0xfb, 0x90, 0xc4], i * MP3_FRAME_BYTES);
  }
  return out;
}

/** 8-bit mono PCM WAV of `seconds` at `rate` samples per second (a quiet square wave). */
export function wav(seconds: number, rate = 8000): Uint8Array {
  const samples = Math.round(seconds * rate);
  const buf = Buffer.alloc(44 + samples);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + samples, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16); // fmt chunk size
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate, 28); // byte rate
  buf.writeUInt16LE(1, 32); // block align
  buf.writeUInt16LE(8, 34); // bits per sample
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(samples, 40);
  for (let i = 0; i < samples; i++) buf[44 + i] = (i >> 4) % 2 === 0 ? 120 : 136;
  return new Uint8Array(buf);
}

/** A grey, 8-bit greyscale PNG of the given size. */
export function png(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Buffer): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // bit depth 8, greyscale, deflate, no filter, no interlace
  const rows = Buffer.alloc((width + 1) * height, 0x80);
  for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0; // filter type 0 per row
  return new Uint8Array(Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0)),
  ]));
}

/**
 * The header of a baseline JPEG as a camera writes it: SOI, an EXIF APP1 block with an orientation tag, and
 * the SOF0 frame header giving the stored size (no scan data: sizes are read from the header only).
 */
export function jpegHeader(width: number, height: number, orientation: number): Uint8Array {
  const tiff = Buffer.alloc(26);
  tiff.write('MM', 0, 'ascii'); // big-endian
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4); // first IFD at offset 8
  tiff.writeUInt16BE(1, 8); // one entry
  tiff.writeUInt16BE(0x0112, 10); // Orientation
  tiff.writeUInt16BE(3, 12); // SHORT
  tiff.writeUInt32BE(1, 14); // count
  tiff.writeUInt16BE(orientation, 18);
  tiff.writeUInt32BE(0, 22); // no next IFD
  const exif = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(exif.length + 2, 2);
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, 0, 0, 0, 0, 0x01, 0x01, 0x11, 0x00]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xd8]), app1, exif, sof, Buffer.from([0xff, 0xd9])]));
}
