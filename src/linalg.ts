// Small dense linear algebra in float64 for the TypeScript layer (camera recovery and checks):
// internal, not part of the public API.

/** Inverse of a row-major 3×3 (float64, adjugate / determinant); null when singular or non-finite. */
export function inverse3(a: ArrayLike<number>, o = 0): Float64Array | null {
  const [a0, a1, a2, a3, a4, a5, a6, a7, a8] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => a[o + k]);
  const c0 = a4 * a8 - a5 * a7, c1 = a5 * a6 - a3 * a8, c2 = a3 * a7 - a4 * a6;
  const det = a0 * c0 + a1 * c1 + a2 * c2;
  if (!(det !== 0 && Number.isFinite(det))) return null;
  const s = 1 / det;
  return Float64Array.of(
    c0 * s, (a2 * a7 - a1 * a8) * s, (a1 * a5 - a2 * a4) * s,
    c1 * s, (a0 * a8 - a2 * a6) * s, (a2 * a3 - a0 * a5) * s,
    c2 * s, (a1 * a6 - a0 * a7) * s, (a0 * a4 - a1 * a3) * s);
}

/** Eigen-decomposition of a symmetric n×n matrix (cyclic Jacobi, float64): ascending values, vectors as columns. */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(a), V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, diag = 0;
    for (let i = 0; i < n; i++) {
      diag += A[i * n + i] ** 2;
      for (let j = i + 1; j < n; j++) off += A[i * n + j] ** 2;
    }
    if (off <= 1e-34 * diag || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        // Rutishauser's rotation: t = sgn(θ)/(|θ| + √(θ² + 1)), θ = (a_qq − a_pp)/(2 a_pq).
        const theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p], akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k], aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p], vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const idx = Array.from({ length: n }, (_, i) => i).sort((i, j) => A[i * n + i] - A[j * n + j]);
  const values = Float64Array.from(idx, (i) => A[i * n + i]);
  const vectors = new Float64Array(n * n);
  idx.forEach((src, dst) => { for (let k = 0; k < n; k++) vectors[k * n + dst] = V[k * n + src]; });
  return { values, vectors };
}
