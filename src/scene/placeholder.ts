// Placeholder meshes for scene objects: the object's box in its colour, its front face lighter, and
// a white arrow lying on the top face pointing to the front — so the heading shows from every
// camera of the ring (they all look down on the scene). One definition for every exporter: the
// glTF files and the Blender jobs both take their geometry from here.
//
// Object frame: x along the heading (the front is +x), y across it (to the object's left), z up;
// the box is centred at the origin with full sizes [along the heading, across, height] (the
// scenes.jsonl `size`). Only the arrow leaves the box, by 0.1 % of the largest size above the top
// face (so it never fights with it for a pixel); silhouettes are the box's.
import { COLORS } from './svg.js';

export interface MeshPart {
  name: 'body' | 'front' | 'arrow';
  /** Linear RGB in [0, 1] (glTF baseColorFactor and Blender's Base Color are linear). */
  color: [number, number, number];
  /** Float32Array [V, 3], object frame, metres. */
  positions: Float32Array;
  /** Float32Array [V, 3], unit, per vertex (flat: faces do not share vertices). */
  normals: Float32Array;
  /** Uint16Array [T, 3], counter-clockwise seen from outside. */
  indices: Uint16Array;
}

/** sRGB "#rrggbb" → linear RGB (IEC 61966-2-1), so the meshes show the SVG's colours. */
function linear(hex: string): [number, number, number] {
  const c = (k: number): number => {
    const s = parseInt(hex.slice(1 + 2 * k, 3 + 2 * k), 16) / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return [c(0), c(1), c(2)];
}

/** The colour of object i (the SVG's palette, linear RGB): distinct for up to 8 objects. */
export const objectColor = (i: number): [number, number, number] => linear(COLORS[i % COLORS.length]);

/** Quads (4 corners, counter-clockwise from outside) with one normal each → a flat mesh part. */
function part(name: MeshPart['name'], color: [number, number, number], polys: { n: number[]; corners: number[][] }[]): MeshPart {
  const positions: number[] = [], normals: number[] = [], indices: number[] = [];
  for (const { n, corners } of polys) {
    const base = positions.length / 3;
    for (const c of corners) { positions.push(...c); normals.push(...n); }
    for (let k = 1; k + 1 < corners.length; k++) indices.push(base, base + k, base + k + 1);  // a fan: polygons here are convex
  }
  return { name, color, positions: Float32Array.from(positions), normals: Float32Array.from(normals), indices: Uint16Array.from(indices) };
}

/**
 * The placeholder mesh of object `index` with full sizes `size` = [along the heading, across, height].
 * @returns three parts: `body` (5 faces), `front` (the +x face, lighter), `arrow` (on top, pointing to +x).
 */
export function placeholderMesh(size: readonly number[], index: number): MeshPart[] {
  const [x, y, z] = [size[0] / 2, size[1] / 2, size[2] / 2];
  const color = objectColor(index);
  const lighter = color.map((c) => 0.45 * c + 0.55) as [number, number, number];
  const face = (n: number[], corners: number[][]): { n: number[]; corners: number[][] } => ({ n, corners });
  const body = part('body', color, [
    face([-1, 0, 0], [[-x, -y, -z], [-x, -y, z], [-x, y, z], [-x, y, -z]]),
    face([0, 1, 0], [[-x, y, -z], [-x, y, z], [x, y, z], [x, y, -z]]),
    face([0, -1, 0], [[-x, -y, -z], [x, -y, -z], [x, -y, z], [-x, -y, z]]),
    face([0, 0, 1], [[-x, -y, z], [x, -y, z], [x, y, z], [-x, y, z]]),
    face([0, 0, -1], [[-x, -y, -z], [-x, y, -z], [x, y, -z], [x, -y, -z]]),
  ]);
  const front = part('front', lighter, [face([1, 0, 0], [[x, -y, -z], [x, y, -z], [x, y, z], [x, -y, z]])]);
  // Arrow: a shaft and a head, in fractions of the top face, lifted just above it.
  const top = z + 1e-3 * Math.max(size[0], size[1], size[2]);
  const sw = 0.12 * y, hw = 0.5 * y;
  const arrow = part('arrow', [0.9, 0.9, 0.9], [
    face([0, 0, 1], [[-0.6 * x, -sw, top], [0.1 * x, -sw, top], [0.1 * x, sw, top], [-0.6 * x, sw, top]]),
    face([0, 0, 1], [[0.1 * x, -hw, top], [0.75 * x, 0, top], [0.1 * x, hw, top]]),
  ]);
  return [body, front, arrow];
}
