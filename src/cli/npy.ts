// A minimal .npy (NumPy format 1.0) writer for little-endian float32 arrays.
// Format: magic "\x93NUMPY", version 1.0, uint16 LE header length, an ASCII dict padded with
// spaces and ending in '\n' so that the data starts on a 64-byte boundary (numpy.lib.format).

/** The .npy bytes of a float32 array of the given shape (C order). */
export function npy(data: Float32Array, shape: readonly number[]): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`Expected ${count} values for shape (${shape.join(', ')}) but received ${data.length}`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const pad = 64 - ((10 + dict.length + 1) % 64);
  dict += ' '.repeat(pad % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  // Typed arrays are host-endian; every platform Node supports here is little-endian.
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), body]);
}
