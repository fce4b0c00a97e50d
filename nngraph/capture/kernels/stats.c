/* One-pass statistics of float32 tensors on the CPU, for nngraph/capture/_native.py.
 *
 * numpy needs a pass over the values for each of sum, sum of squares, min, max and zero count;
 * this does them in one. The values are read in LANES independent float32 lanes, which the
 * compiler turns into SIMD registers, and each lane's partial sums are moved into float64 every
 * BLOCK values, so a float32 partial sum never adds more than BLOCK / LANES values.
 *
 * Two passes make an accurate mean and spread: the first gives an approximate mean m; the
 * second sums the residuals x - m and their squares in float64, so a spread of 5e-3 on values
 * of 1e4 keeps its digits, and mean = m + sum(x - m) / n and
 * sum((x - mean)^2) = sum((x - m)^2) - sum(x - m)^2 / n correct for m's own rounding.
 *
 * NaN and Inf are not counted here: they make the sums non-finite, and the caller then counts
 * them with numpy. Built by hatch_build.py; gcc builds an AVX2 version beside the plain one and
 * picks one when the library loads.
 *
 * `nngraph_dead_units_f32` counts the units of a ReLU output that are zero for the whole batch.
 * `nngraph_changed` serves `trace()`'s put-back of the model (_restore.py): which parameters and
 * buffers a forward changed, compared byte for byte with the copy taken before it.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#define LANES 16
#define BLOCK 1024
#define WIDE 8 /* float64 lanes */

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define DISPATCH __attribute__((target_clones("avx2", "default")))
#else
#define DISPATCH
#endif

#if defined(_WIN32)
#define EXPORT __declspec(dllexport)
#else
#define EXPORT
#endif

/* out: sum, sum of squares, min, max, number of zeros */
DISPATCH static void sums(const float *x, int64_t n, double *out) {
    float low[LANES], high[LANES];
    double total = 0.0, squares = 0.0;
    int64_t zeros = 0, i = 0;
    for (int k = 0; k < LANES; k++) {
        low[k] = INFINITY;
        high[k] = -INFINITY;
    }
    while (i + LANES <= n) {
        float block_total[LANES] = {0}, block_squares[LANES] = {0};
        int32_t block_zeros[LANES] = {0};
        int64_t end = n - i > BLOCK ? i + BLOCK : n;
        for (; i + LANES <= end; i += LANES) {
            for (int k = 0; k < LANES; k++) {
                float v = x[i + k];
                block_total[k] += v;
                block_squares[k] += v * v;
                low[k] = v < low[k] ? v : low[k];
                high[k] = v > high[k] ? v : high[k];
                block_zeros[k] += v == 0.0f;
            }
        }
        for (int k = 0; k < LANES; k++) {
            total += block_total[k];
            squares += block_squares[k];
            zeros += block_zeros[k];
        }
    }
    float lowest = INFINITY, highest = -INFINITY;
    for (int k = 0; k < LANES; k++) {
        lowest = low[k] < lowest ? low[k] : lowest;
        highest = high[k] > highest ? high[k] : highest;
    }
    for (; i < n; i++) {
        float v = x[i];
        total += v;
        squares += (double)v * v;
        lowest = v < lowest ? v : lowest;
        highest = v > highest ? v : highest;
        zeros += v == 0.0f;
    }
    out[0] = total;
    out[1] = squares;
    out[2] = lowest;
    out[3] = highest;
    out[4] = (double)zeros;
}

/* out: sum of x - m, sum of (x - m)^2, in float64 lanes. The difference of two float32
 * numbers is exact in float64 unless their sizes differ by more than 2^29, and for values
 * within a factor 4 of m so is its square: there only the float64 sums round. */
DISPATCH static void residuals(const float *x, int64_t n, float m, double *out) {
    double total[WIDE] = {0}, squares[WIDE] = {0};
    int64_t i = 0;
    for (; i + WIDE <= n; i += WIDE) {
        for (int k = 0; k < WIDE; k++) {
            double r = (double)x[i + k] - m;
            total[k] += r;
            squares[k] += r * r;
        }
    }
    for (int k = 1; k < WIDE; k++) {
        total[0] += total[k];
        squares[0] += squares[k];
    }
    for (; i < n; i++) {
        double r = (double)x[i] - m;
        total[0] += r;
        squares[0] += r * r;
    }
    out[0] = total[0];
    out[1] = squares[0];
}

EXPORT void nngraph_sums_f32(const float *x, int64_t n, double *out) { sums(x, n, out); }

EXPORT void nngraph_residuals_f32(const float *x, int64_t n, float m, double *out) {
    residuals(x, n, m, out);
}

/* The statistics of `count` small tensors, sizes[s] values each at pointers[s], as 9 rows of
 * `count` in the order of nngraph's `finish()`: mean, std, min, max, norm, zero fraction, NaNs,
 * Infs, number of values. The sums of the norm, mean and std come from the float64 residuals,
 * which neither overflow nor underflow. Gives back how many tensors hold a NaN or an Inf (or
 * values near float32's largest): their rows are not to be used. */
EXPORT int64_t nngraph_stats_f32(const float *const *pointers, const int64_t *sizes,
                                 int64_t count, double *out) {
    int64_t uncovered = 0;
    for (int64_t s = 0; s < count; s++) {
        double first[5], second[2], n = (double)sizes[s];
        sums(pointers[s], sizes[s], first);
        float m = (float)(first[0] / n);
        residuals(pointers[s], sizes[s], m, second);
        double shift = second[0], centred = second[1] - shift * shift / n;
        double squares = second[1] + m * (2.0 * shift + n * m); /* sum of (r + m)^2 */
        uncovered += !isfinite(first[0]) || !isfinite(squares);
        double row[9] = {m + shift / n, sqrt((centred > 0.0 ? centred : 0.0) / n), first[2],
                         first[3], sqrt(squares), first[4] / n, 0.0, 0.0, n};
        for (int j = 0; j < 9; j++) out[j * count + s] = row[j];
    }
    return uncovered;
}

/* The dead units of a ReLU output laid out as [outer][units][inner] (units: its channels or
 * features): those with no value above zero, and at least one that is not NaN (a unit that is
 * NaN throughout is not known to be dead). `seen` is scratch memory of 2 * units bytes. A unit
 * found alive is not read again, so a healthy layer costs about one read of its first example. */
EXPORT int64_t nngraph_dead_units_f32(const float *x, int64_t outer, int64_t units, int64_t inner,
                                      uint8_t *seen) {
    uint8_t *alive = seen, *number = seen + units;
    memset(seen, 0, (size_t)(2 * units));
    for (int64_t o = 0; o < outer; o++) {
        for (int64_t u = 0; u < units; u++) {
            if (alive[u]) continue;
            const float *row = x + (o * units + u) * inner;
            for (int64_t i = 0; i < inner; i++) {
                if (row[i] > 0.0f) {
                    alive[u] = 1;
                    break;
                }
                number[u] |= row[i] == row[i];
            }
        }
    }
    int64_t dead = 0;
    for (int64_t u = 0; u < units; u++) dead += !alive[u] && number[u];
    return dead;
}

/* Whether each of `count` tensors changed: its sizes[s] bytes at pointers[s] against the next
 * sizes[s] bytes of `saved`, the copy of all of them end to end. out[s] is 1 where one differs. */
EXPORT void nngraph_changed(const char *const *pointers, const int64_t *sizes, int64_t count,
                            const char *saved, uint8_t *out) {
    for (int64_t s = 0; s < count; s++) {
        out[s] = memcmp(pointers[s], saved, (size_t)sizes[s]) != 0;
        saved += sizes[s];
    }
}
