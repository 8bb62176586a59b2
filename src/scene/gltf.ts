// One binary glTF (.glb) per group, built with glTF-Transform: two scenes, "subgroup 0" and
// "subgroup 1", each a root node that turns our z-up world into glTF's y-up, holding the objects
// (placeholder meshes with that subgroup's yaws) and the ring's cameras as glTF perspective cameras.
//
// Cameras. OpenCV (x right, y down, z forward; x_cam = R·x_world + t) → glTF (x right, y up, looking
// along −z): the camera node's rotation is Rᵀ·diag(1, −1, −1), its translation the centre −Rᵀ·t.
// A glTF perspective camera has a vertical field of view and an aspect ratio and puts the principal
// point at the viewport's centre: yfov = 2·atan(H / 2fy) and aspectRatio = W·fy / (H·fx) give
// exactly fy and fx in a W × H viewport (fx ≠ fy only where a viewer honours aspectRatio rather than
// its canvas's). An off-centre principal point cannot be expressed: such a camera keeps its yfov
// and aspect ratio, so the picture is shifted by (cx − W/2, cy − H/2) pixels, and the exact camera
// is in the node's extras (`opencv: {K, R, t, image}`, `principalPointOffset`).
import { Document, NodeIO, type Node } from '@gltf-transform/core';
import { fromMatrix } from '../quat.js';
import { placeholderMesh } from './placeholder.js';
import { groupId, type Group } from './generate.js';
import type { RingCamera } from './ring.js';

/** z-up → y-up: −90° about x, (x, y, z) ↦ (x, z, −y). */
const Z_UP_TO_Y_UP: [number, number, number, number] = [-Math.SQRT1_2, 0, 0, Math.SQRT1_2];

/** The glTF camera pose and lens of an OpenCV camera of a W × H image (see the file comment). */
export function gltfCamera(cam: Pick<RingCamera, 'K' | 'R' | 't'>, [W, H]: readonly number[]): {
  rotation: [number, number, number, number]; translation: [number, number, number]; yfov: number; aspectRatio: number; principalPointOffset: [number, number];
} {
  const R = Array.from(cam.R), t = Array.from(cam.t), K = Array.from(cam.K);
  // Camera → world = Rᵀ, then flip the y and z axes: columns of M are x_cv, −y_cv, −z_cv in the world.
  const M = [0, 1, 2].flatMap((r) => [R[r], -R[3 + r], -R[6 + r]]);
  const translation = [0, 1, 2].map((r) => -(R[r] * t[0] + R[3 + r] * t[1] + R[6 + r] * t[2])) as [number, number, number];
  const [fx, fy, cx, cy] = [K[0], K[4], K[2], K[5]];
  return {
    rotation: Array.from(fromMatrix(Float32Array.from(M))) as [number, number, number, number], translation, yfov: 2 * Math.atan(H / (2 * fy)), aspectRatio: (W * fy) / (H * fx),
    principalPointOffset: [cx - W / 2, cy - H / 2],
  };
}

/**
 * The .glb of a group: placeholder meshes (a distinct colour per object, the front face lighter,
 * an arrow on top pointing to the front), both subgroups as scenes, the ring's cameras in each.
 * @param image [W, H] of the cameras' images (the aspect ratio of the glTF cameras).
 * @returns the GLB bytes (deterministic for the same group).
 */
export async function groupGlb(group: Group, image: readonly number[]): Promise<Uint8Array> {
  const doc = new Document();
  doc.getRoot().getAsset().generator = 'spatialkit rotate --gltf';
  const buffer = doc.createBuffer();
  const accessor = (type: 'VEC3' | 'SCALAR', array: Float32Array | Uint16Array) => doc.createAccessor().setType(type).setArray(array).setBuffer(buffer);
  const meshes = group.objects.map((o, i) => {
    const mesh = doc.createMesh(`${i}: ${o.name}`);
    for (const p of placeholderMesh(o.size, i)) {
      const material = doc.createMaterial(`${i} ${p.name}`).setBaseColorFactor([...p.color, 1]).setMetallicFactor(0).setRoughnessFactor(0.8);
      mesh.addPrimitive(doc.createPrimitive()
        .setAttribute('POSITION', accessor('VEC3', p.positions)).setAttribute('NORMAL', accessor('VEC3', p.normals))
        .setIndices(accessor('SCALAR', p.indices)).setMaterial(material));
    }
    return mesh;
  });
  const cameras = group.cameras.map((c, k) => {
    const g = gltfCamera(c, image);
    const camera = doc.createCamera(`camera ${k}`).setType('perspective').setYFov(g.yfov).setAspectRatio(g.aspectRatio).setZNear(0.01);
    return { g, camera, c };
  });
  const scenes = ([0, 1] as const).map((s) => {
    const root = doc.createNode(`${groupId(group.group)} subgroup ${s} (z-up)`).setRotation(Z_UP_TO_Y_UP)
      .setExtras({ group: group.group, subgroup: s, yaw: group.yaws[s] });
    group.objects.forEach((o, i) => {
      const half = (group.yaws[s][i] * Math.PI) / 360;
      root.addChild(doc.createNode(`object ${i}: ${o.name}`).setMesh(meshes[i])
        .setTranslation([...o.position]).setRotation([0, 0, Math.sin(half), Math.cos(half)])
        .setExtras({ object: i, category: o.category, kind: o.kind, yaw: group.yaws[s][i], size: o.size }));
    });
    cameras.forEach(({ g, camera, c }, k) => {
      const node: Node = doc.createNode(`camera ${k}`).setCamera(camera).setTranslation(g.translation).setRotation(g.rotation)
        .setExtras({ camera: k, opencv: { K: Array.from(c.K), R: Array.from(c.R), t: Array.from(c.t), image: [...image] }, principalPointOffset: g.principalPointOffset });
      root.addChild(node);
    });
    return doc.createScene(`subgroup ${s}`).addChild(root);
  });
  doc.getRoot().setDefaultScene(scenes[0]);
  return new NodeIO().writeBinary(doc);
}
