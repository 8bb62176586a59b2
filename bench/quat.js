// Benchmark suite for sk.quat (see bench/lib.js for the suite contract).
//
// Every op on every backend that loads, beside four peers on the same flat Float32Array data:
//   js loop    — a hand-written loop over the flat arrays, same formulas as the kernels (Math.*
//                for trig); it is also the reference every output is checked against.
//   glm idiom  — gl-matrix called per element on subarray views created in the loop, the way
//                code with flat buffers calls it (quat.multiply(o.subarray(j, j + 4), …)).
//   glm batch  — gl-matrix's fastest style: scratch quats from quat.create(), loaded and stored
//                by index around each call.
//   three.js   — reused Quaternion/Vector3/Matrix objects with fromArray/toArray, as three.js
//                itself walks BufferAttributes (one object per element would not fit 1e7 items
//                in the default heap and is the anti-pattern STYLE.md names).
// Inputs are unit quaternions (gl-matrix and three.js assume them), so all peers compute the
// same values; gl-matrix/three.js matrices are column-major, which the checks account for.
import * as sk from 'spatialkit';
import { fill, fmtN, maxDiff } from './lib.js';

const CHECK_ITEMS = 256;
// Outputs from this size on are allocated with the backend's allocOutput by the TypeScript layer.
const ALLOC_OUTPUT_MIN = 1 << 20;
// SK_BENCH_QUAT_OPS=multiply,angle runs only those ops (a quicker look at a few).
const onlyOps = process.env.SK_BENCH_QUAT_OPS ? process.env.SK_BENCH_QUAT_OPS.split(',') : null;

// ───────────── inputs (pure JS, so they do not depend on any backend) ─────────────

function makeInputs(n) {
  const I = { n, seed: 7 };
  I.qa = js.random({ n, seed: 1 }, new Float32Array(4 * n));
  I.qb = js.random({ n, seed: 2 }, new Float32Array(4 * n));
  I.v = fill(new Float32Array(3 * n), 3, -1, 1);
  I.axis = fill(new Float32Array(3 * n), 4, -1, 1);
  I.angle = fill(new Float32Array(n), 5, -Math.PI, Math.PI);
  I.euler = fill(new Float32Array(3 * n), 6, -Math.PI, Math.PI);
  I.t = fill(new Float32Array(n), 8, 0, 1);
  I.m = js.toMatrix(I, new Float32Array(9 * n));            // row-major (spatialkit)
  I.mT = new Float32Array(9 * n);                            // column-major (gl-matrix)
  for (let i = 0; i < 9 * n; i += 9) {
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) I.mT[i + 3 * c + r] = I.m[i + 3 * r + c];
  }
  // Outputs, written once so page faults are not timed in the preallocated calls.
  I.o4 = new Float32Array(4 * n).fill(0);
  I.o3 = new Float32Array(3 * n).fill(0);
  I.o9 = new Float32Array(9 * n).fill(0);
  I.o1 = new Float32Array(n).fill(0);
  return I;
}

const ARRAYS = ['qa', 'qb', 'v', 'axis', 'angle', 'euler', 't', 'm', 'o4', 'o3', 'o9', 'o1'];

/**
 * The inputs and outputs copied into wasm memory (sk.wasmAlloc, zero copy), for the wasm rows
 * that show the kernel without the copy in and out. Views are read through getters because any
 * growth of wasm memory detaches old ones.
 */
function wasmResident(I, wasmAlloc) {
  const blocks = {};
  try {
    for (const k of ARRAYS) blocks[k] = wasmAlloc(I[k].length);
  } catch (e) {
    for (const b of Object.values(blocks)) b.free();
    throw e;
  }
  const W = { n: I.n, seed: I.seed, free: () => { for (const b of Object.values(blocks)) b.free(); } };
  for (const k of ARRAYS) {
    Object.defineProperty(W, k, { get: () => blocks[k].array, enumerable: true });
    if (!k.startsWith('o')) W[k].set(I[k]);
  }
  return W;
}

/** The first `k` items of every input, for reference outputs. */
function head(I, k) {
  return {
    n: k, seed: I.seed, qa: I.qa.subarray(0, 4 * k), qb: I.qb.subarray(0, 4 * k), v: I.v.subarray(0, 3 * k),
    axis: I.axis.subarray(0, 3 * k), angle: I.angle.subarray(0, k), euler: I.euler.subarray(0, 3 * k),
    t: I.t.subarray(0, k), m: I.m.subarray(0, 9 * k), mT: I.mT.subarray(0, 9 * k),
  };
}

// ───────────── hand-written JS loops over flat arrays ─────────────

function hash32(x) {
  x ^= x >>> 16; x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15; x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

const js = {
  multiply(I, o) {
    const a = I.qa, b = I.qb;
    for (let j = 0, e = 4 * I.n; j < e; j += 4) {
      const ax = a[j], ay = a[j + 1], az = a[j + 2], aw = a[j + 3];
      const bx = b[j], by = b[j + 1], bz = b[j + 2], bw = b[j + 3];
      o[j] = aw * bx + ax * bw + ay * bz - az * by;
      o[j + 1] = aw * by - ax * bz + ay * bw + az * bx;
      o[j + 2] = aw * bz + ax * by - ay * bx + az * bw;
      o[j + 3] = aw * bw - ax * bx - ay * by - az * bz;
    }
    return o;
  },
  conjugate(I, o) {
    const q = I.qa;
    for (let j = 0, e = 4 * I.n; j < e; j += 4) {
      o[j] = -q[j]; o[j + 1] = -q[j + 1]; o[j + 2] = -q[j + 2]; o[j + 3] = q[j + 3];
    }
    return o;
  },
  invert(I, o) {
    const q = I.qa;
    for (let j = 0, e = 4 * I.n; j < e; j += 4) {
      const x = q[j], y = q[j + 1], z = q[j + 2], w = q[j + 3];
      const s = 1 / (x * x + y * y + z * z + w * w);
      o[j] = -x * s; o[j + 1] = -y * s; o[j + 2] = -z * s; o[j + 3] = w * s;
    }
    return o;
  },
  normalize(I, o) {
    const q = I.qa;
    for (let j = 0, e = 4 * I.n; j < e; j += 4) {
      const x = q[j], y = q[j + 1], z = q[j + 2], w = q[j + 3];
      const s = 1 / Math.sqrt(x * x + y * y + z * z + w * w);
      o[j] = x * s; o[j + 1] = y * s; o[j + 2] = z * s; o[j + 3] = w * s;
    }
    return o;
  },
  rotate(I, o) {
    const q = I.qa, v = I.v;
    for (let i = 0, j = 0, k = 0; i < I.n; i++, j += 4, k += 3) {
      const x = q[j], y = q[j + 1], z = q[j + 2], w = q[j + 3];
      const vx = v[k], vy = v[k + 1], vz = v[k + 2];
      const s = 2 / (x * x + y * y + z * z + w * w);
      const cx = y * vz - z * vy, cy = z * vx - x * vz, cz = x * vy - y * vx;
      const dx = y * cz - z * cy, dy = z * cx - x * cz, dz = x * cy - y * cx;
      o[k] = vx + s * (w * cx + dx); o[k + 1] = vy + s * (w * cy + dy); o[k + 2] = vz + s * (w * cz + dz);
    }
    return o;
  },
  fromAxisAngle(I, o) {
    const ax = I.axis, an = I.angle;
    for (let i = 0, j = 0, k = 0; i < I.n; i++, j += 4, k += 3) {
      const x = ax[k], y = ax[k + 1], z = ax[k + 2], h = 0.5 * an[i];
      const f = Math.sin(h) / Math.sqrt(x * x + y * y + z * z);
      o[j] = x * f; o[j + 1] = y * f; o[j + 2] = z * f; o[j + 3] = Math.cos(h);
    }
    return o;
  },
  fromEuler(I, o) {  // order 'xyz' = q_x ⊗ q_y ⊗ q_z
    const a = I.euler;
    for (let i = 0, j = 0, k = 0; i < I.n; i++, j += 4, k += 3) {
      const hx = 0.5 * a[k], hy = 0.5 * a[k + 1], hz = 0.5 * a[k + 2];
      const sx = Math.sin(hx), cx = Math.cos(hx), sy = Math.sin(hy), cy = Math.cos(hy);
      const sz = Math.sin(hz), cz = Math.cos(hz);
      o[j] = sx * cy * cz + cx * sy * sz;
      o[j + 1] = cx * sy * cz - sx * cy * sz;
      o[j + 2] = cx * cy * sz + sx * sy * cz;
      o[j + 3] = cx * cy * cz - sx * sy * sz;
    }
    return o;
  },
  toMatrix(I, m) {
    const q = I.qa;
    for (let j = 0, k = 0, e = 4 * I.n; j < e; j += 4, k += 9) {
      const x = q[j], y = q[j + 1], z = q[j + 2], w = q[j + 3];
      const s = 2 / (x * x + y * y + z * z + w * w);
      const xx = s * x * x, yy = s * y * y, zz = s * z * z, xy = s * x * y, xz = s * x * z, yz = s * y * z;
      const xw = s * x * w, yw = s * y * w, zw = s * z * w;
      m[k] = 1 - (yy + zz); m[k + 1] = xy - zw; m[k + 2] = xz + yw;
      m[k + 3] = xy + zw; m[k + 4] = 1 - (xx + zz); m[k + 5] = yz - xw;
      m[k + 6] = xz - yw; m[k + 7] = yz + xw; m[k + 8] = 1 - (xx + yy);
    }
    return m;
  },
  fromMatrix(I, o) {  // Shepperd with branches, as three.js writes it; w ≥ 0
    const m = I.m;
    for (let j = 0, k = 0, e = 4 * I.n; j < e; j += 4, k += 9) {
      const m00 = m[k], m01 = m[k + 1], m02 = m[k + 2], m10 = m[k + 3], m11 = m[k + 4], m12 = m[k + 5];
      const m20 = m[k + 6], m21 = m[k + 7], m22 = m[k + 8], tr = m00 + m11 + m22;
      let x, y, z, w, s;
      if (tr > 0) {
        s = 0.5 / Math.sqrt(tr + 1); w = 0.25 / s; x = (m21 - m12) * s; y = (m02 - m20) * s; z = (m10 - m01) * s;
      } else if (m00 > m11 && m00 > m22) {
        s = 2 * Math.sqrt(1 + m00 - m11 - m22); w = (m21 - m12) / s; x = 0.25 * s; y = (m01 + m10) / s; z = (m02 + m20) / s;
      } else if (m11 > m22) {
        s = 2 * Math.sqrt(1 + m11 - m00 - m22); w = (m02 - m20) / s; x = (m01 + m10) / s; y = 0.25 * s; z = (m12 + m21) / s;
      } else {
        s = 2 * Math.sqrt(1 + m22 - m00 - m11); w = (m10 - m01) / s; x = (m02 + m20) / s; y = (m12 + m21) / s; z = 0.25 * s;
      }
      const f = (w < 0 ? -1 : 1) / Math.sqrt(x * x + y * y + z * z + w * w);
      o[j] = x * f; o[j + 1] = y * f; o[j + 2] = z * f; o[j + 3] = w * f;
    }
    return o;
  },
  slerp(I, o) {
    const a = I.qa, b = I.qb, t = I.t;
    for (let i = 0, j = 0; i < I.n; i++, j += 4) {
      let ax = a[j], ay = a[j + 1], az = a[j + 2], aw = a[j + 3];
      let bx = b[j], by = b[j + 1], bz = b[j + 2], bw = b[j + 3];
      const ia = 1 / Math.sqrt(ax * ax + ay * ay + az * az + aw * aw);
      let ib = 1 / Math.sqrt(bx * bx + by * by + bz * bz + bw * bw);
      if (ax * bx + ay * by + az * bz + aw * bw < 0) ib = -ib;
      ax *= ia; ay *= ia; az *= ia; aw *= ia; bx *= ib; by *= ib; bz *= ib; bw *= ib;
      const dx = ax - bx, dy = ay - by, dz = az - bz, dw = aw - bw;
      const sx = ax + bx, sy = ay + by, sz = az + bz, sw = aw + bw;
      const th = 2 * Math.atan2(Math.sqrt(dx * dx + dy * dy + dz * dz + dw * dw), Math.sqrt(sx * sx + sy * sy + sz * sz + sw * sw));
      const ti = t[i];
      let wa = 1 - ti, wb = ti;
      if (th >= 1e-6) { const st = Math.sin(th); wa = Math.sin((1 - ti) * th) / st; wb = Math.sin(ti * th) / st; }
      o[j] = wa * ax + wb * bx; o[j + 1] = wa * ay + wb * by; o[j + 2] = wa * az + wb * bz; o[j + 3] = wa * aw + wb * bw;
    }
    return o;
  },
  angle(I, o) {
    const a = I.qa, b = I.qb;
    for (let i = 0, j = 0; i < I.n; i++, j += 4) {
      const ax = a[j], ay = a[j + 1], az = a[j + 2], aw = a[j + 3];
      const bx = b[j], by = b[j + 1], bz = b[j + 2], bw = b[j + 3];
      const vx = aw * bx - bw * ax - (ay * bz - az * by);
      const vy = aw * by - bw * ay - (az * bx - ax * bz);
      const vz = aw * bz - bw * az - (ax * by - ay * bx);
      const w = aw * bw + ax * bx + ay * by + az * bz;
      o[i] = 2 * Math.atan2(Math.sqrt(vx * vx + vy * vy + vz * vz), Math.abs(w));
    }
    return o;
  },
  random(I, o) {  // the kernels' counter-based hash + Shoemake, so outputs match bit for bit (almost)
    const hs = hash32(I.seed);
    for (let i = 0, j = 0; i < I.n; i++, j += 4) {
      const h = hash32(hs ^ i);
      const u1 = (hash32(h) >>> 8) * 5.9604644775390625e-8;
      const u2 = (hash32((h + 0x9e3779b9) >>> 0) >>> 8) * 5.9604644775390625e-8;
      const u3 = (hash32((h + 0x3c6ef372) >>> 0) >>> 8) * 5.9604644775390625e-8;
      const r1 = Math.sqrt(1 - u1), r2 = Math.sqrt(u1), t2 = 6.283185307179586 * u2, t3 = 6.283185307179586 * u3;
      o[j] = r1 * Math.sin(t2); o[j + 1] = r1 * Math.cos(t2); o[j + 2] = r2 * Math.sin(t3); o[j + 3] = r2 * Math.cos(t3);
    }
    return o;
  },
};

// ───────────── gl-matrix, idiomatic: per element on subarray views ─────────────

const R2D = 180 / Math.PI;
const glmIdiom = {
  multiply: ({ quat }, I, o) => {
    const a = I.qa, b = I.qb;
    for (let j = 0, e = 4 * I.n; j < e; j += 4) quat.multiply(o.subarray(j, j + 4), a.subarray(j, j + 4), b.subarray(j, j + 4));
  },
  conjugate: ({ quat }, I, o) => {
    for (let j = 0, e = 4 * I.n; j < e; j += 4) quat.conjugate(o.subarray(j, j + 4), I.qa.subarray(j, j + 4));
  },
  invert: ({ quat }, I, o) => {
    for (let j = 0, e = 4 * I.n; j < e; j += 4) quat.invert(o.subarray(j, j + 4), I.qa.subarray(j, j + 4));
  },
  normalize: ({ quat }, I, o) => {
    for (let j = 0, e = 4 * I.n; j < e; j += 4) quat.normalize(o.subarray(j, j + 4), I.qa.subarray(j, j + 4));
  },
  rotate: ({ vec3 }, I, o) => {
    for (let i = 0; i < I.n; i++) vec3.transformQuat(o.subarray(3 * i, 3 * i + 3), I.v.subarray(3 * i, 3 * i + 3), I.qa.subarray(4 * i, 4 * i + 4));
  },
  fromAxisAngle: ({ quat, vec3 }, I, o) => {
    const axis = vec3.create();
    for (let i = 0; i < I.n; i++) {
      vec3.normalize(axis, I.axis.subarray(3 * i, 3 * i + 3));
      quat.setAxisAngle(o.subarray(4 * i, 4 * i + 4), axis, I.angle[i]);
    }
  },
  fromEuler: ({ quat }, I, o) => {
    const a = I.euler;
    for (let i = 0; i < I.n; i++) quat.fromEuler(o.subarray(4 * i, 4 * i + 4), a[3 * i] * R2D, a[3 * i + 1] * R2D, a[3 * i + 2] * R2D, 'xyz');
  },
  toMatrix: ({ mat3 }, I, o) => {
    for (let i = 0; i < I.n; i++) mat3.fromQuat(o.subarray(9 * i, 9 * i + 9), I.qa.subarray(4 * i, 4 * i + 4));
  },
  fromMatrix: ({ quat }, I, o) => {
    for (let i = 0; i < I.n; i++) quat.fromMat3(o.subarray(4 * i, 4 * i + 4), I.mT.subarray(9 * i, 9 * i + 9));
  },
  slerp: ({ quat }, I, o) => {
    for (let i = 0, j = 0; i < I.n; i++, j += 4) quat.slerp(o.subarray(j, j + 4), I.qa.subarray(j, j + 4), I.qb.subarray(j, j + 4), I.t[i]);
  },
  angle: ({ quat }, I, o) => {
    for (let i = 0, j = 0; i < I.n; i++, j += 4) o[i] = quat.getAngle(I.qa.subarray(j, j + 4), I.qb.subarray(j, j + 4));
  },
  random: ({ quat }, I, o) => {
    for (let j = 0, e = 4 * I.n; j < e; j += 4) quat.random(o.subarray(j, j + 4));
  },
};

// ───────────── gl-matrix, batch: scratch objects loaded and stored by index ─────────────

const glmBatch = {
  multiply: ({ quat }, I, o) => {
    const a = I.qa, b = I.qb, A = quat.create(), B = quat.create(), O = quat.create();
    for (let j = 0, e = 4 * I.n; j < e; j += 4) {
      quat.set(A, a[j], a[j + 1], a[j + 2], a[j + 3]);
      quat.set(B, b[j], b[j + 1], b[j + 2], b[j + 3]);
      quat.multiply(O, A, B);
      o[j] = O[0]; o[j + 1] = O[1]; o[j + 2] = O[2]; o[j + 3] = O[3];
    }
  },
  conjugate: ({ quat }, I, o) => unaryQuat(quat, quat.conjugate, I, o),
  invert: ({ quat }, I, o) => unaryQuat(quat, quat.invert, I, o),
  normalize: ({ quat }, I, o) => unaryQuat(quat, quat.normalize, I, o),
  rotate: ({ quat, vec3 }, I, o) => {
    const q = I.qa, v = I.v, Q = quat.create(), V = vec3.create(), O = vec3.create();
    for (let i = 0, j = 0, k = 0; i < I.n; i++, j += 4, k += 3) {
      quat.set(Q, q[j], q[j + 1], q[j + 2], q[j + 3]);
      vec3.set(V, v[k], v[k + 1], v[k + 2]);
      vec3.transformQuat(O, V, Q);
      o[k] = O[0]; o[k + 1] = O[1]; o[k + 2] = O[2];
    }
  },
  fromAxisAngle: ({ quat, vec3 }, I, o) => {
    const ax = I.axis, V = vec3.create(), O = quat.create();
    for (let i = 0, j = 0, k = 0; i < I.n; i++, j += 4, k += 3) {
      vec3.set(V, ax[k], ax[k + 1], ax[k + 2]);
      vec3.normalize(V, V);
      quat.setAxisAngle(O, V, I.angle[i]);
      o[j] = O[0]; o[j + 1] = O[1]; o[j + 2] = O[2]; o[j + 3] = O[3];
    }
  },
  fromEuler: ({ quat }, I, o) => {
    const a = I.euler, O = quat.create();
    for (let i = 0, j = 0, k = 0; i < I.n; i++, j += 4, k += 3) {
      quat.fromEuler(O, a[k] * R2D, a[k + 1] * R2D, a[k + 2] * R2D, 'xyz');
      o[j] = O[0]; o[j + 1] = O[1]; o[j + 2] = O[2]; o[j + 3] = O[3];
    }
  },
  toMatrix: ({ quat, mat3 }, I, o) => {
    const q = I.qa, Q = quat.create(), M = mat3.create();
    for (let j = 0, k = 0, e = 4 * I.n; j < e; j += 4, k += 9) {
      quat.set(Q, q[j], q[j + 1], q[j + 2], q[j + 3]);
      mat3.fromQuat(M, Q);
      for (let r = 0; r < 9; r++) o[k + r] = M[r];
    }
  },
  fromMatrix: ({ quat, mat3 }, I, o) => {
    const m = I.mT, M = mat3.create(), O = quat.create();
    for (let j = 0, k = 0, e = 4 * I.n; j < e; j += 4, k += 9) {
      mat3.set(M, m[k], m[k + 1], m[k + 2], m[k + 3], m[k + 4], m[k + 5], m[k + 6], m[k + 7], m[k + 8]);
      quat.fromMat3(O, M);
      o[j] = O[0]; o[j + 1] = O[1]; o[j + 2] = O[2]; o[j + 3] = O[3];
    }
  },
  slerp: ({ quat }, I, o) => {
    const a = I.qa, b = I.qb, A = quat.create(), B = quat.create(), O = quat.create();
    for (let i = 0, j = 0; i < I.n; i++, j += 4) {
      quat.set(A, a[j], a[j + 1], a[j + 2], a[j + 3]);
      quat.set(B, b[j], b[j + 1], b[j + 2], b[j + 3]);
      quat.slerp(O, A, B, I.t[i]);
      o[j] = O[0]; o[j + 1] = O[1]; o[j + 2] = O[2]; o[j + 3] = O[3];
    }
  },
  angle: ({ quat }, I, o) => {
    const a = I.qa, b = I.qb, A = quat.create(), B = quat.create();
    for (let i = 0, j = 0; i < I.n; i++, j += 4) {
      quat.set(A, a[j], a[j + 1], a[j + 2], a[j + 3]);
      quat.set(B, b[j], b[j + 1], b[j + 2], b[j + 3]);
      o[i] = quat.getAngle(A, B);
    }
  },
  random: ({ quat }, I, o) => {
    const O = quat.create();
    for (let j = 0, e = 4 * I.n; j < e; j += 4) {
      quat.random(O);
      o[j] = O[0]; o[j + 1] = O[1]; o[j + 2] = O[2]; o[j + 3] = O[3];
    }
  },
};

function unaryQuat(quat, f, I, o) {
  const q = I.qa, Q = quat.create(), O = quat.create();
  for (let j = 0, e = 4 * I.n; j < e; j += 4) {
    quat.set(Q, q[j], q[j + 1], q[j + 2], q[j + 3]);
    f(O, Q);
    o[j] = O[0]; o[j + 1] = O[1]; o[j + 2] = O[2]; o[j + 3] = O[3];
  }
}

// ───────────── three.js: reused objects, fromArray/toArray ─────────────

const three = {
  multiply: (T, I, o) => {
    const A = new T.Quaternion(), B = new T.Quaternion(), O = new T.Quaternion();
    for (let j = 0, e = 4 * I.n; j < e; j += 4) O.multiplyQuaternions(A.fromArray(I.qa, j), B.fromArray(I.qb, j)).toArray(o, j);
  },
  conjugate: (T, I, o) => {
    const Q = new T.Quaternion();
    for (let j = 0, e = 4 * I.n; j < e; j += 4) Q.fromArray(I.qa, j).conjugate().toArray(o, j);
  },
  invert: (T, I, o) => {  // three.js's invert() is the conjugate (unit quaternions assumed)
    const Q = new T.Quaternion();
    for (let j = 0, e = 4 * I.n; j < e; j += 4) Q.fromArray(I.qa, j).invert().toArray(o, j);
  },
  normalize: (T, I, o) => {
    const Q = new T.Quaternion();
    for (let j = 0, e = 4 * I.n; j < e; j += 4) Q.fromArray(I.qa, j).normalize().toArray(o, j);
  },
  rotate: (T, I, o) => {
    const Q = new T.Quaternion(), V = new T.Vector3();
    for (let i = 0; i < I.n; i++) V.fromArray(I.v, 3 * i).applyQuaternion(Q.fromArray(I.qa, 4 * i)).toArray(o, 3 * i);
  },
  fromAxisAngle: (T, I, o) => {
    const Q = new T.Quaternion(), V = new T.Vector3();
    for (let i = 0; i < I.n; i++) Q.setFromAxisAngle(V.fromArray(I.axis, 3 * i).normalize(), I.angle[i]).toArray(o, 4 * i);
  },
  fromEuler: (T, I, o) => {
    const Q = new T.Quaternion(), E = new T.Euler();
    const a = I.euler;
    for (let i = 0; i < I.n; i++) Q.setFromEuler(E.set(a[3 * i], a[3 * i + 1], a[3 * i + 2], 'XYZ')).toArray(o, 4 * i);
  },
  toMatrix: (T, I, o) => {
    const Q = new T.Quaternion(), M4 = new T.Matrix4(), M3 = new T.Matrix3();
    for (let i = 0; i < I.n; i++) M3.setFromMatrix4(M4.makeRotationFromQuaternion(Q.fromArray(I.qa, 4 * i))).toArray(o, 9 * i);
  },
  fromMatrix: (T, I, o) => {
    const Q = new T.Quaternion(), M4 = new T.Matrix4();
    const m = I.m;
    for (let i = 0, k = 0; i < I.n; i++, k += 9) {
      M4.set(m[k], m[k + 1], m[k + 2], 0, m[k + 3], m[k + 4], m[k + 5], 0, m[k + 6], m[k + 7], m[k + 8], 0, 0, 0, 0, 1);
      Q.setFromRotationMatrix(M4).toArray(o, 4 * i);
    }
  },
  slerp: (T, I, o) => {
    const A = new T.Quaternion(), B = new T.Quaternion(), O = new T.Quaternion();
    for (let i = 0, j = 0; i < I.n; i++, j += 4) O.slerpQuaternions(A.fromArray(I.qa, j), B.fromArray(I.qb, j), I.t[i]).toArray(o, j);
  },
  angle: (T, I, o) => {
    const A = new T.Quaternion(), B = new T.Quaternion();
    for (let i = 0, j = 0; i < I.n; i++, j += 4) o[i] = A.fromArray(I.qa, j).angleTo(B.fromArray(I.qb, j));
  },
  random: (T, I, o) => {
    const Q = new T.Quaternion();
    for (let j = 0, e = 4 * I.n; j < e; j += 4) Q.random().toArray(o, j);
  },
};

// ───────────── the op table ─────────────
// bytes = bytes read + written per element; memoryBound = the issue's ≥ 80 %-of-copy set.

const OPS = [
  { op: 'multiply', out: 'o4', item: 4, bytes: 48, memoryBound: true, sk: (I, o) => sk.quat.multiply(I.qa, I.qb, o) },
  { op: 'conjugate', out: 'o4', item: 4, bytes: 32, memoryBound: true, sk: (I, o) => sk.quat.conjugate(I.qa, o) },
  { op: 'invert', out: 'o4', item: 4, bytes: 32, sk: (I, o) => sk.quat.invert(I.qa, o) },
  { op: 'normalize', out: 'o4', item: 4, bytes: 32, memoryBound: true, sk: (I, o) => sk.quat.normalize(I.qa, o) },
  { op: 'rotate', out: 'o3', item: 3, bytes: 40, memoryBound: true, sk: (I, o) => sk.quat.rotate(I.qa, I.v, o) },
  { op: 'fromAxisAngle', out: 'o4', item: 4, bytes: 32, sk: (I, o) => sk.quat.fromAxisAngle(I.axis, I.angle, o) },
  { op: 'fromEuler', out: 'o4', item: 4, bytes: 28, perCore: 500, sk: (I, o) => sk.quat.fromEuler(I.euler, 'xyz', o) },
  { op: 'toMatrix', out: 'o9', item: 9, bytes: 52, memoryBound: true, colMajorPeers: true, sk: (I, o) => sk.quat.toMatrix(I.qa, o) },
  { op: 'fromMatrix', out: 'o4', item: 4, bytes: 52, signFree: true, sk: (I, o) => sk.quat.fromMatrix(I.m, o) },
  { op: 'slerp', out: 'o4', item: 4, bytes: 52, perCore: 500, sk: (I, o) => sk.quat.slerp(I.qa, I.qb, I.t, o) },
  { op: 'angle', out: 'o1', item: 1, bytes: 36, memoryBound: true, tol: 2e-3, sk: (I, o) => sk.quat.angle(I.qa, I.qb, o) },
  { op: 'random', out: 'o4', item: 4, bytes: 16, seeded: true, sk: (I, o) => sk.quat.random(I.n, I.seed, o) },
];

function declareTargets(ctx, n) {
  const at = `N = ${fmtN(n)}`;
  for (const d of OPS) {
    if (d.memoryBound) {
      ctx.target({ label: `native ${d.op} ≥ 80% of copy GB/s, 1 thread, ${at}`, where: { op: d.op, n, impl: 'native', threads: 1 }, metric: 'pctCopy', min: 80 });
      ctx.target({ label: `native ${d.op} allocating (allocOutput) within 2× of out, 1 thread, ${at}`, where: { op: d.op, n, impl: 'native', threads: 1, variant: 'allocOutput' }, metric: 'outRatio', min: 0.5 });
    }
    if (d.perCore) {
      ctx.target({ label: `native ${d.op} ≥ ${d.perCore} M elem/s per core, ${at}`, where: { op: d.op, n, impl: 'native', threads: 1 }, metric: 'melemPerS', min: d.perCore });
    }
  }
  for (const d of OPS) {
    ctx.target({ label: `native ${d.op} ≥ 3× js loop, 1 thread, ${at}`, where: { op: d.op, n, impl: 'native', threads: 1 }, metric: 'x:js loop', min: 3 });
    ctx.target({ label: `native ${d.op} ≥ 10× gl-matrix idiomatic, 1 thread, ${at}`, where: { op: d.op, n, impl: 'native', threads: 1 }, metric: 'x:glm idiom', min: 10 });
  }
  for (const d of OPS) {
    ctx.target({ label: `wasm ${d.op} ≥ 1.5× js loop, ${at}`, where: { op: d.op, n, impl: 'wasm', threads: 1 }, metric: 'x:js loop', min: 1.5 });
    ctx.target({ label: `wasm in-place ${d.op} ≥ 1.5× js loop, ${at}`, where: { op: d.op, n, impl: 'wasm in-place', threads: 1 }, metric: 'x:js loop', min: 1.5 });
  }
}

export async function run(ctx) {
  const backends = ctx.backends();
  const glmMod = await ctx.peer('gl-matrix', 'gl-matrix');
  const G = glmMod && (glmMod.quat ? glmMod : glmMod.default);
  const T = await ctx.peer('three', 'three.js');
  // n = 1, 8, 64: the per-call cost next to gl-matrix and three.js (small batches are how scene and
  // user code call); 1e6, 1e7: bandwidth.
  const sizes = ctx.quick ? [1, 64, 1e6] : [1, 8, 64, 1e6, 1e7];
  declareTargets(ctx, sizes[sizes.length - 1]);
  ctx.note('inputs: unit quaternions (Shoemake), per-element slerp t, fromEuler order xyz (three.js XYZ); ' +
    'glm idiom = subarray views per element, glm batch = scratch quats + index loads, three.js = reused objects + fromArray/toArray');

  const wasmAlloc = typeof sk.wasmAlloc === 'function' && backends.some((b) => b.name === 'wasm') ? sk.wasmAlloc : null;
  if (!wasmAlloc && backends.some((b) => b.name === 'wasm')) {
    ctx.skip({ impl: 'wasm in-place', reason: 'sk.wasmAlloc is not exported, so wasm runs only on copies of JS arrays' });
  }
  const allocators = {};
  for (const b of backends) allocators[b.name] = await ctx.allocator(b.name);
  for (const n of sizes) {
    let I = makeInputs(n);
    let W = null;
    if (wasmAlloc && ctx.mode === 'one') {
      try { W = wasmResident(I, wasmAlloc); } catch (e) { ctx.skip({ n, impl: 'wasm in-place', reason: e.message }); }
    }
    const checkItems = Math.min(CHECK_ITEMS, n);
    for (const d of OPS.filter((x) => !onlyOps || onlyOps.includes(x.op))) {
      const o = I[d.out];
      const ref = js[d.op](head(I, checkItems), new Float32Array(checkItems * d.item));
      const tol = d.tol ?? 1e-4;
      const checkOf = (out, transposeB = false) => () => ({
        err: maxDiff(ref, out(), { item: d.item, count: checkItems, signFree: d.signFree, transposeB }), tol,
      });
      const check = (transposeB = false) => checkOf(() => o, transposeB);
      const base = { op: d.op, n, items: n, bytes: n * d.bytes };
      for (const b of backends) {
        const allocOutput = allocators[b.name];
        await ctx.bench({
          ...base, impl: b.name, kind: 'subject', threads: b.threads, before: () => sk.setBackend(b.name),
          fn: () => d.sk(I, o), alloc: () => d.sk(I), check: check(),
          allocOut: allocOutput && d.memoryBound && 4 * o.length >= ALLOC_OUTPUT_MIN
            ? () => d.sk(I, new Float32Array(allocOutput(4 * o.length))) : undefined,
        });
        if (b.name === 'wasm' && W) {
          await ctx.bench({
            ...base, impl: 'wasm in-place', kind: 'subject', before: () => sk.setBackend('wasm'),
            fn: () => d.sk(W, W[d.out]), check: checkOf(() => W[d.out]),
          });
        }
      }
      await ctx.bench({
        ...base, impl: 'js loop', kind: 'peer', fn: () => js[d.op](I, o),
        alloc: () => js[d.op](I, new Float32Array(o.length)), check: check(),
      });
      const peerCheck = d.seeded ? undefined : check(!!d.colMajorPeers);
      if (G) {
        await ctx.bench({ ...base, impl: 'gl-matrix', label: 'glm idiom', kind: 'peer', fn: () => glmIdiom[d.op](G, I, o), check: peerCheck });
        await ctx.bench({ ...base, impl: 'gl-matrix', label: 'glm batch', kind: 'peer', fn: () => glmBatch[d.op](G, I, o), check: peerCheck });
      }
      if (T) {
        await ctx.bench({ ...base, impl: 'three.js', kind: 'peer', fn: () => three[d.op](T, I, o), check: peerCheck });
      }
    }
    await runParity(ctx, I, backends, G, T);
    if (W) W.free();
    I = W = null;
  }
}

// ───────────── parity with scipy's Rotation: toEuler, toRotvec, fromRotvec, dot ─────────────
// A separate block (its own op table and loop, called once per size from run()). Peers where they
// have the op: three.js Euler.setFromQuaternion ('XYZ' = our 'xyz'), Quaternion.dot; gl-matrix
// getAxisAngle (angle in [0, 2π], not the shorter arc), setAxisAngle, dot. No wasm in-place rows.

const jsParity = {
  // Bernardes & Viollet 2022 for 'xyz' (extrinsic sequence z, y, x: i = 2, j = 1, k = 0, sign −1).
  toEuler(I, o) {
    const q = I.qa;
    for (let i = 0; i < I.n; i++) {
      const x = q[4 * i], y = q[4 * i + 1], z = q[4 * i + 2], w = q[4 * i + 3];
      const a = w - y, b = z - x, c = y + w, d = -x - z;
      const hs = Math.atan2(b, a), hd = Math.atan2(d, c);
      const wrap = (t) => (t < -Math.PI ? t + 2 * Math.PI : t > Math.PI ? t - 2 * Math.PI : t);
      o[3 * i + 2] = wrap(hs - hd);
      o[3 * i + 1] = 2 * Math.atan2(Math.hypot(c, d), Math.hypot(a, b)) - Math.PI / 2;
      o[3 * i] = wrap(-(hs + hd));
    }
    return o;
  },
  toRotvec(I, o) {
    const q = I.qa;
    for (let i = 0; i < I.n; i++) {
      const s = q[4 * i + 3] < 0 ? -1 : 1, x = s * q[4 * i], y = s * q[4 * i + 1], z = s * q[4 * i + 2];
      const u = Math.hypot(x, y, z), f = u > 0 ? 2 * Math.atan2(u, s * q[4 * i + 3]) / u : 2;
      o[3 * i] = x * f; o[3 * i + 1] = y * f; o[3 * i + 2] = z * f;
    }
    return o;
  },
  fromRotvec(I, o) {
    const v = I.v;
    for (let i = 0; i < I.n; i++) {
      const x = v[3 * i], y = v[3 * i + 1], z = v[3 * i + 2], t = Math.hypot(x, y, z);
      const f = t < 1e-3 ? 0.5 - (t * t) / 48 : Math.sin(t / 2) / t;
      o[4 * i] = x * f; o[4 * i + 1] = y * f; o[4 * i + 2] = z * f; o[4 * i + 3] = Math.cos(t / 2);
    }
    return o;
  },
  dot(I, o) {
    const a = I.qa, b = I.qb;
    for (let i = 0, j = 0; i < I.n; i++, j += 4) o[i] = a[j] * b[j] + a[j + 1] * b[j + 1] + a[j + 2] * b[j + 2] + a[j + 3] * b[j + 3];
    return o;
  },
};

const glmParity = {
  toRotvec: (G, I, o) => {
    const Q = G.quat.create(), A = G.vec3.create();
    for (let i = 0; i < I.n; i++) {
      Q[0] = I.qa[4 * i]; Q[1] = I.qa[4 * i + 1]; Q[2] = I.qa[4 * i + 2]; Q[3] = I.qa[4 * i + 3];
      const t = G.quat.getAxisAngle(A, Q);
      o[3 * i] = A[0] * t; o[3 * i + 1] = A[1] * t; o[3 * i + 2] = A[2] * t;
    }
  },
  fromRotvec: (G, I, o) => {
    const Q = G.quat.create(), A = G.vec3.create();
    for (let i = 0; i < I.n; i++) {
      A[0] = I.v[3 * i]; A[1] = I.v[3 * i + 1]; A[2] = I.v[3 * i + 2];
      const t = G.vec3.length(A);
      if (t > 0) G.vec3.scale(A, A, 1 / t);
      G.quat.setAxisAngle(Q, A, t);
      o[4 * i] = Q[0]; o[4 * i + 1] = Q[1]; o[4 * i + 2] = Q[2]; o[4 * i + 3] = Q[3];
    }
  },
  dot: (G, I, o) => {
    const A = G.quat.create(), B = G.quat.create();
    for (let i = 0, j = 0; i < I.n; i++, j += 4) {
      A[0] = I.qa[j]; A[1] = I.qa[j + 1]; A[2] = I.qa[j + 2]; A[3] = I.qa[j + 3];
      B[0] = I.qb[j]; B[1] = I.qb[j + 1]; B[2] = I.qb[j + 2]; B[3] = I.qb[j + 3];
      o[i] = G.quat.dot(A, B);
    }
  },
};

const threeParity = {
  toEuler: (T, I, o) => {
    const Q = new T.Quaternion(), E = new T.Euler();
    for (let i = 0; i < I.n; i++) { E.setFromQuaternion(Q.fromArray(I.qa, 4 * i), 'XYZ'); o[3 * i] = E.x; o[3 * i + 1] = E.y; o[3 * i + 2] = E.z; }
  },
  dot: (T, I, o) => {
    const A = new T.Quaternion(), B = new T.Quaternion();
    for (let i = 0, j = 0; i < I.n; i++, j += 4) o[i] = A.fromArray(I.qa, j).dot(B.fromArray(I.qb, j));
  },
};

const PARITY_OPS = [
  { op: 'toEuler', out: 'o3', item: 3, bytes: 28, sk: (I, o) => sk.quat.toEuler(I.qa, 'xyz', { out: o }), alloc: (I) => sk.quat.toEuler(I.qa, 'xyz') },
  { op: 'toRotvec', out: 'o3', item: 3, bytes: 28, sk: (I, o) => sk.quat.toRotvec(I.qa, o) },
  { op: 'fromRotvec', out: 'o4', item: 4, bytes: 28, sk: (I, o) => sk.quat.fromRotvec(I.v, o) },
  { op: 'dot', out: 'o1', item: 1, bytes: 36, memoryBound: true, sk: (I, o) => sk.quat.dot(I.qa, I.qb, o) },
];

async function runParity(ctx, I, backends, G, T) {
  const n = I.n;
  for (const d of PARITY_OPS) {
    const o = I[d.out];
    const ref = jsParity[d.op](head(I, CHECK_ITEMS), new Float32Array(CHECK_ITEMS * d.item));
    const check = () => ({ err: maxDiff(ref, o, { item: d.item, count: CHECK_ITEMS }), tol: 1e-4 });  // the framework calls it after a run
    const base = { op: d.op, n, items: n, bytes: n * d.bytes };
    for (const b of backends) {
      await ctx.bench({
        ...base, impl: b.name, kind: 'subject', threads: b.threads, before: () => sk.setBackend(b.name),
        fn: () => d.sk(I, o), alloc: () => (d.alloc ? d.alloc(I) : d.sk(I)), check,
      });
    }
    await ctx.bench({ ...base, impl: 'js loop', kind: 'peer', fn: () => jsParity[d.op](I, o), check });
    // gl-matrix's getAxisAngle takes the long arc for w < 0: its values differ there by design.
    if (G && glmParity[d.op]) {
      await ctx.bench({ ...base, impl: 'gl-matrix', label: 'glm batch', kind: 'peer', fn: () => glmParity[d.op](G, I, o),
        check: d.op === 'toRotvec' ? undefined : check });
    }
    if (T && threeParity[d.op]) await ctx.bench({ ...base, impl: 'three.js', kind: 'peer', fn: () => threeParity[d.op](T, I, o), check });
  }
}
