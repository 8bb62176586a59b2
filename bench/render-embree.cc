// The Embree peer of bench/render.js (built by it against Debian's libembree3): casts the bench's
// rays against the same boxes, each box a triangle mesh of 12 triangles in its own geometry (so
// Embree's geomID is the box's index within its scene), one Embree scene per bench scene, built
// once before timing (BVH build time is reported apart). Single-threaded: the device is created
// with threads=1 and rays are cast in one loop on the calling thread.
//
//   render-embree IN OUT PACKET REPEATS
// IN (little-endian): u32 S, u32 M, f32 boxes[M·10], u32 offsets[S + 1], u32 N, u32 P, u32 scene[N],
//   f32 rays[N·P·6] (origin, unit direction; camera i's rays are rays i·P … i·P + P − 1).
// PACKET: 1 = rtcIntersect1 per ray, 16 = rtcIntersect16 over 16 consecutive rays of a camera.
// OUT: i32 ids[N·P] (−1 for none), f32 t[N·P]. Prints {"ns": median ns per pass, "cpuNs": mean
// CPU ns per pass, "buildNs": …, "samples": […]} on stdout.
#include <embree3/rtcore.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <vector>

namespace {

template <class T>
void read(FILE* f, T* p, size_t n) {
  if (fread(p, sizeof(T), n, f) != n) {
    fprintf(stderr, "render-embree: short input\n");
    exit(2);
  }
}

// The 8 corners of box b (float64, then float32): c + Σ ±h_k·axis_k, axes from q/|q|.
void corners(const float* b, float* out) {
  const double n = sqrt((double)b[6] * b[6] + (double)b[7] * b[7] + (double)b[8] * b[8] + (double)b[9] * b[9]);
  const double x = b[6] / n, y = b[7] / n, z = b[8] / n, w = b[9] / n;
  const double R[9] = {1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
                       2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
                       2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)};
  for (int k = 0; k < 8; ++k)
    for (int r = 0; r < 3; ++r) {
      double s = b[r];
      for (int j = 0; j < 3; ++j) s += ((k >> j) & 1 ? 1.0 : -1.0) * b[3 + j] * R[3 * r + j];
      out[3 * k + r] = (float)s;
    }
}

// Two triangles per face; corner index bits = (x, y, z) signs.
const unsigned kTris[12][3] = {{0, 2, 6}, {0, 6, 4}, {1, 5, 7}, {1, 7, 3}, {0, 4, 5}, {0, 5, 1},
                               {2, 3, 7}, {2, 7, 6}, {0, 1, 3}, {0, 3, 2}, {4, 6, 7}, {4, 7, 5}};

double now_ns() {
  return (double)std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: render-embree IN OUT PACKET(1|16) REPEATS\n");
    return 2;
  }
  FILE* in = fopen(argv[1], "rb");
  if (!in) { perror(argv[1]); return 2; }
  uint32_t S, M, N, P;
  read(in, &S, 1);
  read(in, &M, 1);
  std::vector<float> boxes(10 * (size_t)M);
  read(in, boxes.data(), boxes.size());
  std::vector<uint32_t> offsets(S + 1);
  read(in, offsets.data(), offsets.size());
  read(in, &N, 1);
  read(in, &P, 1);
  std::vector<uint32_t> scene(N);
  read(in, scene.data(), N);
  std::vector<float> rays(6 * (size_t)N * P);
  read(in, rays.data(), rays.size());
  fclose(in);
  const int packet = atoi(argv[3]), repeats = atoi(argv[4]);

  RTCDevice device = rtcNewDevice("threads=1");
  const double b0 = now_ns();
  std::vector<RTCScene> scenes(S);
  for (uint32_t s = 0; s < S; ++s) {
    scenes[s] = rtcNewScene(device);
    rtcSetSceneBuildQuality(scenes[s], RTC_BUILD_QUALITY_HIGH);
    for (uint32_t j = offsets[s]; j < offsets[s + 1]; ++j) {
      RTCGeometry g = rtcNewGeometry(device, RTC_GEOMETRY_TYPE_TRIANGLE);
      float* v = (float*)rtcSetNewGeometryBuffer(g, RTC_BUFFER_TYPE_VERTEX, 0, RTC_FORMAT_FLOAT3, 3 * sizeof(float), 8);
      unsigned* t = (unsigned*)rtcSetNewGeometryBuffer(g, RTC_BUFFER_TYPE_INDEX, 0, RTC_FORMAT_UINT3, 3 * sizeof(unsigned), 12);
      corners(&boxes[10 * (size_t)j], v);
      memcpy(t, kTris, sizeof kTris);
      rtcCommitGeometry(g);
      rtcAttachGeometryByID(scenes[s], g, j - offsets[s]);
      rtcReleaseGeometry(g);
    }
    rtcCommitScene(scenes[s]);
  }
  const double build = now_ns() - b0;

  std::vector<int32_t> ids((size_t)N * P);
  std::vector<float> tf((size_t)N * P);
  auto pass = [&] {
    RTCIntersectContext ctx;
    rtcInitIntersectContext(&ctx);
    for (uint32_t i = 0; i < N; ++i) {
      const RTCScene sc = scenes[scene[i]];
      const float* r = &rays[6 * (size_t)i * P];
      int32_t* id = &ids[(size_t)i * P];
      float* t = &tf[(size_t)i * P];
      if (packet == 16) {
        alignas(64) RTCRayHit16 rh;
        alignas(64) int valid[16];
        for (uint32_t p0 = 0; p0 < P; p0 += 16) {
          const uint32_t e = std::min<uint32_t>(16, P - p0);
          for (uint32_t k = 0; k < 16; ++k) {
            const float* q = r + 6 * (size_t)(p0 + (k < e ? k : 0));
            valid[k] = k < e ? -1 : 0;
            rh.ray.org_x[k] = q[0]; rh.ray.org_y[k] = q[1]; rh.ray.org_z[k] = q[2];
            rh.ray.dir_x[k] = q[3]; rh.ray.dir_y[k] = q[4]; rh.ray.dir_z[k] = q[5];
            rh.ray.tnear[k] = 0; rh.ray.tfar[k] = INFINITY; rh.ray.time[k] = 0;
            rh.ray.mask[k] = ~0u; rh.ray.id[k] = k; rh.ray.flags[k] = 0;
            rh.hit.geomID[k] = RTC_INVALID_GEOMETRY_ID;
          }
          rtcIntersect16(valid, sc, &ctx, &rh);
          for (uint32_t k = 0; k < e; ++k) {
            const bool hit = rh.hit.geomID[k] != RTC_INVALID_GEOMETRY_ID;
            id[p0 + k] = hit ? (int32_t)rh.hit.geomID[k] : -1;
            t[p0 + k] = hit ? rh.ray.tfar[k] : INFINITY;
          }
        }
      } else {
        RTCRayHit rh;
        for (uint32_t p = 0; p < P; ++p) {
          const float* q = r + 6 * (size_t)p;
          rh.ray.org_x = q[0]; rh.ray.org_y = q[1]; rh.ray.org_z = q[2];
          rh.ray.dir_x = q[3]; rh.ray.dir_y = q[4]; rh.ray.dir_z = q[5];
          rh.ray.tnear = 0; rh.ray.tfar = INFINITY; rh.ray.time = 0;
          rh.ray.mask = ~0u; rh.ray.id = p; rh.ray.flags = 0;
          rh.hit.geomID = RTC_INVALID_GEOMETRY_ID;
          rtcIntersect1(sc, &ctx, &rh);
          const bool hit = rh.hit.geomID != RTC_INVALID_GEOMETRY_ID;
          id[p] = hit ? (int32_t)rh.hit.geomID : -1;
          t[p] = hit ? rh.ray.tfar : INFINITY;
        }
      }
    }
  };
  pass();  // warm-up
  std::vector<double> samples;
  const std::clock_t c0 = std::clock();
  for (int k = 0; k < repeats; ++k) {
    const double t0 = now_ns();
    pass();
    samples.push_back(now_ns() - t0);
  }
  const double cpu = (double)(std::clock() - c0) / CLOCKS_PER_SEC * 1e9 / repeats;
  std::vector<double> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  const size_t m = sorted.size() / 2;
  const double median = sorted.size() % 2 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m]);

  FILE* out = fopen(argv[2], "wb");
  if (!out) { perror(argv[2]); return 2; }
  fwrite(ids.data(), 4, ids.size(), out);
  fwrite(tf.data(), 4, tf.size(), out);
  fclose(out);
  printf("{\"ns\": %.0f, \"cpuNs\": %.0f, \"buildNs\": %.0f, \"samples\": [", median, cpu, build);
  for (size_t k = 0; k < samples.size(); ++k) printf("%s%.0f", k ? ", " : "", samples[k]);
  printf("]}\n");
  for (RTCScene s : scenes) rtcReleaseScene(s);
  rtcReleaseDevice(device);
  return 0;
}
