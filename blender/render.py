# Renders a `spatialkit rotate --render blender` job folder with Blender (3.x or later):
#
#     blender -b -P JOB/render.py -- JOB [--engine cycles|workbench] [--samples N] [--groups g000001,...]
#                                        [--skip-existing] [--no-rgb]
#
# For every group JSON in JOB/jobs/ and every kept image listed there (both subgroups) it writes
#   JOB/images/<image>.png   the RGB picture (8-bit sRGB), and
#   JOB/index/<image>.png    the object-index pass: 8-bit grayscale, the object's index in the group
#                            (scenes.jsonl `objects[i].id`), 255 where no object is seen.
# The index pass is rendered separately with Cycles at 1 sample through a 0.01-px box filter, so each
# pixel is the ray through its centre — the pixel sk.render.raycast and `rotate --masks` cast — and
# is read back losslessly (an EXR of the pass, converted here to the PNG).
#
# Cameras are OpenCV (x right, y down, z forward; x_cam = R x_world + t; K in pixels, corner-origin)
# and are converted exactly: Blender's camera looks along -z with +y up, so its world matrix is
# [R^T diag(1, -1, -1) | -R^T t]; the sensor fit is horizontal with lens = fx * sensor_width / W;
# fx != fy becomes a pixel aspect ratio (Blender's vertical scale per pixel is pixel_aspect_y /
# pixel_aspect_x); the principal point becomes the lens shift, shift_x = (W/2 - cx) / W and
# shift_y = (cy - H/2) * (fx/fy) / W (shifts are in units of the fitted sensor side, the width).
# Skew (K[0][1] != 0) cannot be expressed and is refused.
#
# Objects: the placeholder mesh in the job (a box, its front face lighter, an arrow on top), or the
# asset named for the category (.obj, .ply, .glb/.gltf), turned so that its stated front axis is the
# object's heading (+x of the object frame) and its up axis +z, then scaled into the object's box:
# `contain` (default) keeps its proportions, centred across and standing on the box's floor;
# `stretch` fills the box on every axis.
import array
import json
import math
import os
import sys
import time

import bpy
from mathutils import Matrix, Vector

AXES = {'+x': (1, 0, 0), '-x': (-1, 0, 0), '+y': (0, 1, 0), '-y': (0, -1, 0), '+z': (0, 0, 1), '-z': (0, 0, -1)}
BACKGROUND = 255  # index of pixels that show no object


class JobError(Exception):
    """A problem with the job folder or its files: reported in one line, exit status 2."""


def parse_args(argv):
    import argparse
    p = argparse.ArgumentParser(prog='blender -b -P render.py --', description='Render a spatialkit rotate job folder.')
    p.add_argument('job', help='the job folder written by spatialkit rotate --render blender')
    p.add_argument('--engine', choices=['cycles', 'workbench'], default='cycles', help='RGB engine (default cycles)')
    p.add_argument('--samples', type=int, default=32, help='Cycles samples per pixel for RGB (default 32)')
    p.add_argument('--groups', default='', help='comma-separated group ids to render (default: all)')
    p.add_argument('--skip-existing', action='store_true', help='leave images whose RGB and index files exist')
    p.add_argument('--no-rgb', action='store_true', help='write only the object-index pass')
    return p.parse_args(argv)


def camera_setup(cam_obj, K, R, t, W, H):
    """Places a Blender camera exactly as the OpenCV camera (K, R, t) of a W x H image."""
    fx, skew, cx, _, fy, cy = K[0], K[1], K[2], K[3], K[4], K[5]
    if abs(skew) > 1e-9 * fx:
        raise JobError('a camera with skew (K[0][1] = %g) cannot be expressed in Blender' % skew)
    Rm = Matrix((R[0:3], R[3:6], R[6:9]))
    Rt = Rm.transposed()
    C = -(Rt @ Vector(t))
    M = Rt @ Matrix(((1, 0, 0), (0, -1, 0), (0, 0, -1)))
    world = M.to_4x4()
    world.translation = C
    cam_obj.matrix_world = world
    cam = cam_obj.data
    cam.type = 'PERSP'
    cam.sensor_fit = 'HORIZONTAL'
    cam.sensor_width = 36.0
    cam.lens_unit = 'MILLIMETERS'
    cam.lens = fx * cam.sensor_width / W
    ycor = fx / fy  # Blender's height of a pixel relative to its width, in view-plane units
    cam.shift_x = (W / 2 - cx) / W
    cam.shift_y = (cy - H / 2) * ycor / W
    cam.clip_start = 0.01
    cam.clip_end = 10000.0
    r = bpy.context.scene.render
    r.resolution_x, r.resolution_y, r.resolution_percentage = W, H, 100
    if ycor >= 1:
        r.pixel_aspect_x, r.pixel_aspect_y = 1.0, ycor
    else:
        r.pixel_aspect_x, r.pixel_aspect_y = 1.0 / ycor, 1.0


def material(name, color):
    m = bpy.data.materials.new(name)
    m.diffuse_color = (color[0], color[1], color[2], 1.0)  # what Workbench shows
    m.use_nodes = True
    bsdf = m.node_tree.nodes.get('Principled BSDF')
    if bsdf is not None:
        bsdf.inputs['Base Color'].default_value = (color[0], color[1], color[2], 1.0)
        bsdf.inputs['Roughness'].default_value = 0.8
    return m


def placeholder(name, mesh_json):
    """One mesh object from the job's placeholder parts (one material slot per part)."""
    verts, faces, mats = [], [], []
    for k, part in enumerate(mesh_json['parts']):
        base = len(verts)
        p = part['positions']
        verts += [tuple(p[i:i + 3]) for i in range(0, len(p), 3)]
        tri = part['triangles']
        faces += [tuple(base + j for j in tri[i:i + 3]) for i in range(0, len(tri), 3)]
        mats += [k] * (len(tri) // 3)
    me = bpy.data.meshes.new(name)
    me.from_pydata(verts, [], faces)
    for k, part in enumerate(mesh_json['parts']):
        me.materials.append(material('%s %s' % (name, part['name']), part['color']))
    for poly, k in zip(me.polygons, mats):
        poly.material_index = k
    me.update()
    ob = bpy.data.objects.new(name, me)
    return [ob]


# glTF files are y-up; Blender's importer turns them z-up: file (x, y, z) -> (x, -z, y). The OBJ
# importer is called without axis conversion and the PLY importer has none.
def importer_axis(ext, v):
    return (v[0], -v[2], v[1]) if ext in ('.glb', '.gltf') else v


_library = {}


def asset_objects(asset):
    """Mesh objects of an asset, imported once into a collection that is not rendered; returns copies."""
    path, ext = asset['file'], os.path.splitext(asset['file'])[1].lower()
    if path not in _library:
        if not os.path.isfile(path):
            raise JobError('asset %s is missing' % path)
        before = set(bpy.data.objects)
        if ext == '.obj':
            bpy.ops.wm.obj_import(filepath=path, forward_axis='Y', up_axis='Z')
        elif ext == '.ply':
            bpy.ops.import_mesh.ply(filepath=path)
        elif ext in ('.glb', '.gltf'):
            import importlib.util
            if importlib.util.find_spec('numpy') is None:
                raise JobError('asset %s: Blender\'s glTF importer needs numpy in Blender\'s Python '
                               '(Debian: apt-get install python3-numpy)' % path)
            import numpy
            # Blender 3.4's glTF importer uses numpy.bool, an alias numpy 1.24 removed (Debian 12
            # pairs the two); give it back the alias it means.
            if 'bool' not in numpy.__dict__:
                numpy.bool = numpy.bool_
            bpy.ops.import_scene.gltf(filepath=path)
        else:
            raise JobError('asset %s: unsupported format %s' % (path, ext))
        new = [o for o in bpy.data.objects if o not in before]
        meshes = [o for o in new if o.type == 'MESH']
        if not meshes:
            raise JobError('asset %s holds no mesh' % path)
        lib = bpy.data.collections.get('spatialkit assets') or bpy.data.collections.new('spatialkit assets')
        for o in new:
            for c in list(o.users_collection):
                c.objects.unlink(o)
            lib.objects.link(o)
        # Bake each mesh's world transform: the copies are then placed by one parent.
        baked = []
        for o in meshes:
            me = o.data.copy()
            me.transform(o.matrix_world)
            b = bpy.data.objects.new(o.name, me)
            lib.objects.link(b)
            baked.append(b)
        # Rotation taking the stated front to +x and up to +z (rows: front, up x front, up).
        f = Vector(importer_axis(ext, AXES[asset['front']]))
        u = Vector(importer_axis(ext, AXES[asset['up']]))
        turn = Matrix((f, u.cross(f), u))
        lo, hi = Vector((math.inf,) * 3), Vector((-math.inf,) * 3)
        for b in baked:
            for v in b.data.vertices:
                w = turn @ v.co
                lo = Vector(map(min, lo, w))
                hi = Vector(map(max, hi, w))
        _library[path] = (baked, turn, lo, hi)
    return _library[path]


def asset_instance(name, asset, size):
    """Copies of an asset's meshes under an empty that fits them into a box of full sizes `size`."""
    baked, turn, lo, hi = asset_objects(asset)
    ext = hi - lo
    if min(ext) <= 0:
        raise JobError('asset %s is flat along an axis and cannot be scaled into a box' % asset['file'])
    if asset.get('fit', 'contain') == 'stretch':
        scale = Vector([size[k] / ext[k] for k in range(3)])
    else:
        s = min(size[k] / ext[k] for k in range(3))
        scale = Vector((s, s, s))
    centre = (lo + hi) / 2
    # After scaling: centred in x and y, the bottom on the box's floor (z = -height/2).
    offset = Vector((-centre.x * scale.x, -centre.y * scale.y, -size[2] / 2 - lo.z * scale.z))
    fit = Matrix.Translation(offset) @ Matrix.Diagonal(scale).to_4x4() @ turn.to_4x4()
    parent = bpy.data.objects.new(name, None)
    out = [parent]
    for b in baked:
        c = b.copy()
        c.parent = parent
        c.matrix_parent_inverse = Matrix.Identity(4)
        c.matrix_basis = fit
        out.append(c)
    return out


def clear_scene(scene):
    # Every object in the scene (also the start-up file's cube, camera and light, which sit in a
    # child collection); the asset library is not linked to the scene and stays.
    for o in list(scene.objects):
        bpy.data.objects.remove(o, do_unlink=True)


def setup_world(scene):
    world = bpy.data.worlds.new('spatialkit world')
    world.use_nodes = True
    bg = world.node_tree.nodes.get('Background')
    bg.inputs['Color'].default_value = (0.8, 0.8, 0.8, 1.0)
    bg.inputs['Strength'].default_value = 0.4
    scene.world = world
    sun = bpy.data.lights.new('sun', 'SUN')
    sun.energy = 2.0
    return sun


def render_rgb(scene, args, path):
    scene.use_nodes = False
    if args.engine == 'cycles':
        scene.render.engine = 'CYCLES'
        scene.cycles.device = 'CPU'
        scene.cycles.samples = args.samples
        scene.cycles.max_bounces = 4  # boxes on a floor: more bounces add time, not picture
        scene.cycles.use_denoising = False  # Debian's build has no OpenImageDenoise
        scene.cycles.pixel_filter_type = 'BLACKMAN_HARRIS'
        scene.cycles.filter_width = 1.5
    else:
        scene.render.engine = 'BLENDER_WORKBENCH'
        scene.display.shading.light = 'STUDIO'
        scene.display.shading.color_type = 'MATERIAL'
        scene.display.render_aa = '8'
    s = scene.render.image_settings
    s.file_format, s.color_mode, s.color_depth = 'PNG', 'RGB', '8'
    scene.render.filepath = path
    bpy.ops.render.render(write_still=True)


def render_index(scene, tmp, path, W, H):
    """The object-index pass: Cycles, 1 sample through a 0.01-px box filter (the pixel centre's ray)."""
    scene.render.engine = 'CYCLES'
    scene.cycles.device = 'CPU'
    scene.cycles.samples = 1
    scene.cycles.max_bounces = 0  # the pass needs the first hit only
    scene.cycles.use_denoising = False
    scene.cycles.pixel_filter_type = 'BOX'
    scene.cycles.filter_width = 0.01
    scene.view_layers[0].use_pass_object_index = True
    scene.use_nodes = True
    tree = scene.node_tree
    for n in list(tree.nodes):
        tree.nodes.remove(n)
    layers = tree.nodes.new('CompositorNodeRLayers')
    out = tree.nodes.new('CompositorNodeOutputFile')
    out.base_path = tmp
    out.format.file_format, out.format.color_depth, out.format.exr_codec = 'OPEN_EXR', '32', 'ZIP'
    out.file_slots[0].path = 'index'
    tree.links.new(layers.outputs['IndexOB'], out.inputs[0])
    before = set(os.listdir(tmp))
    bpy.ops.render.render(write_still=False)
    written = sorted(set(os.listdir(tmp)) - before) or sorted(f for f in os.listdir(tmp) if f.startswith('index'))
    exr = os.path.join(tmp, written[-1])
    img = bpy.data.images.load(exr)
    px = array.array('f', bytes(16 * W * H))
    img.pixels.foreach_get(px)
    bpy.data.images.remove(img)
    os.remove(exr)
    # pass_index is object index + 1 (0 = no object); EXR floats hold these integers exactly.
    gray = array.array('f', [(k - 1) / 255.0 if k > 0 else BACKGROUND / 255.0 for k in map(round, px[0::4])])
    values = array.array('f', bytes(16 * W * H))
    values[0::4] = values[1::4] = values[2::4] = gray
    values[3::4] = array.array('f', [1.0]) * (W * H)
    idx = bpy.data.images.new('index', width=W, height=H, alpha=False, float_buffer=False, is_data=True)
    idx.colorspace_settings.name = 'Non-Color'
    idx.pixels.foreach_set(values)
    s = scene.render.image_settings
    s.file_format, s.color_mode, s.color_depth, s.compression = 'PNG', 'BW', '8', 15
    idx.save_render(path, scene=scene)
    bpy.data.images.remove(idx)
    scene.use_nodes = False


def render_job(job_file, args, dirs):
    with open(job_file) as f:
        job = json.load(f)
    if job.get('format') != 'spatialkit-blender-job/1':
        raise JobError('%s is not a spatialkit job file' % job_file)
    W, H = job['image']
    scene = bpy.context.scene
    clear_scene(scene)
    sun = setup_world(scene)
    sun_obj = bpy.data.objects.new('sun', sun)
    sun_obj.rotation_euler = (math.radians(40), math.radians(10), math.radians(30))
    scene.collection.objects.link(sun_obj)
    # A floor for the pictures (shadows, a horizon); it is no object, so index pass 0 (background).
    # Just below z = 0, where the boxes' bottoms are, so the two never fight for a pixel.
    floor_mesh = bpy.data.meshes.new('floor')
    floor_mesh.from_pydata([(-100, -100, -1e-3), (100, -100, -1e-3), (100, 100, -1e-3), (-100, 100, -1e-3)], [], [(0, 1, 2, 3)])
    floor_mesh.materials.append(material('floor', (0.3, 0.3, 0.3)))
    floor = bpy.data.objects.new('floor', floor_mesh)
    scene.collection.objects.link(floor)
    cam_obj = bpy.data.objects.new('camera', bpy.data.cameras.new('camera'))
    scene.collection.objects.link(cam_obj)
    scene.camera = cam_obj
    # One holder per object (position, yaw); its mesh objects carry pass_index = index + 1.
    holders = []
    for o in job['objects']:
        i = o['object']
        holder = bpy.data.objects.new('object %d' % i, None)
        holder.location = o['position']
        scene.collection.objects.link(holder)
        parts = asset_instance('asset %d' % i, o['asset'], o['size']) if o.get('asset') else placeholder('placeholder %d' % i, o['mesh'])
        for p in parts:
            scene.collection.objects.link(p)
            if p.parent is None:
                p.parent = holder
            p.pass_index = i + 1
        holders.append(holder)
    done = 0
    for im in job['images']:
        rgb = os.path.join(dirs['images'], im['image'] + '.png')
        index = os.path.join(dirs['index'], im['image'] + '.png')
        if args.skip_existing and os.path.exists(index) and (args.no_rgb or os.path.exists(rgb)):
            continue
        yaw = job['subgroups'][im['subgroup']]['yaw']
        for holder, y in zip(holders, yaw):
            holder.rotation_euler = (0.0, 0.0, math.radians(y))
        c = job['cameras'][im['camera']]
        camera_setup(cam_obj, c['K'], c['R'], c['t'], W, H)
        bpy.context.view_layer.update()
        if not args.no_rgb:
            render_rgb(scene, args, rgb)
        render_index(scene, dirs['tmp'], index, W, H)
        done += 1
    return done


def main():
    argv = sys.argv[sys.argv.index('--') + 1:] if '--' in sys.argv else []
    args = parse_args(argv)
    job = os.path.abspath(args.job)
    jobs_dir = os.path.join(job, 'jobs')
    if not os.path.isdir(jobs_dir):
        raise JobError('%s has no jobs/ folder: is it a job folder written by spatialkit rotate --render blender?' % job)
    wanted = set(g for g in args.groups.split(',') if g)
    files = sorted(f for f in os.listdir(jobs_dir) if f.endswith('.json') and (not wanted or f[:-5] in wanted))
    if wanted and len(files) != len(wanted):
        missing = sorted(wanted - set(f[:-5] for f in files))
        raise JobError('no job file for %s in %s' % (', '.join(missing), jobs_dir))
    dirs = {k: os.path.join(job, k) for k in ('images', 'index', 'tmp')}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    scene = bpy.context.scene
    scene.view_settings.view_transform = 'Standard'  # colours as given, not Filmic's
    scene.render.film_transparent = False
    t0, images = time.time(), 0
    for k, f in enumerate(files):
        images += render_job(os.path.join(jobs_dir, f), args, dirs)
        print('spatialkit render: %s (%d of %d groups, %d images, %.1f s)' % (f[:-5], k + 1, len(files), images, time.time() - t0), flush=True)
    os.rmdir(dirs['tmp']) if not os.listdir(dirs['tmp']) else None
    print('spatialkit render: wrote %d images to %s and %s' % (images, dirs['images'], dirs['index']), flush=True)


if __name__ == '__main__':
    try:
        main()
    except JobError as e:
        print('spatialkit render: %s' % e, file=sys.stderr, flush=True)
        sys.exit(2)
    except SystemExit:
        raise
    except BaseException as e:  # Blender would print the traceback and still exit 0
        import traceback
        traceback.print_exc()
        sys.exit(1)
