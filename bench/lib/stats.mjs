// The benchmark's statistics: quantiles, the seeded shuffle of each round,
// and the paired comparison of two pages measured in the same rounds, with a
// distribution-free confidence interval for the median of the differences.
// No dependencies (node:test runs it without a browser: stats.test.mjs).

const finite = (x) => typeof x === "number" && Number.isFinite(x);

/**
 * Nearest-rank quantile of the finite values (null when there are none); the
 * median of an even count is the mean of the two middle values.
 */
export function quantile(values, q) {
  const v = values.filter(finite).sort((a, b) => a - b);
  if (v.length === 0) return null;
  if (q === 0.5 && v.length % 2 === 0) return (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1))];
}

export const median = (values) => quantile(values, 0.5);

/** Median, p90 and count of the finite values. */
export function summary(values) {
  return { median: quantile(values, 0.5), p90: quantile(values, 0.9), n: values.filter(finite).length };
}

/** A small seeded PRNG (mulberry32), so that an order can be reproduced from its seed. */
export function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates with the seeded PRNG: the same seed gives the same order. */
export function shuffled(items, seed) {
  const rand = prng(seed);
  const a = [...items];
  for (let i = a.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** P(X <= k) for X ~ Binomial(n, 1/2), exact (n up to a few hundred). */
export function binomialHalfCdf(k, n) {
  if (k < 0) return 0;
  if (k >= n) return 1;
  // Sum of C(n, i) / 2^n in log space, so that large n does not overflow.
  let logC = -n * Math.LN2; // log(C(n, 0) / 2^n)
  let sum = Math.exp(logC);
  for (let i = 1; i <= k; i += 1) {
    logC += Math.log((n - i + 1) / i);
    sum += Math.exp(logC);
  }
  return Math.min(1, sum);
}

/**
 * The distribution-free confidence interval for a median: with the n values
 * sorted, [x(k), x(n+1-k)] covers the true median with probability
 * 1 - 2 P(B <= k-1), B ~ Binomial(n, 1/2), whatever the distribution (for
 * tied or discrete values, such as frame-quantized times, at least that).
 * Picks the largest k (the narrowest interval) whose coverage is at least
 * `level`. With too few values for that level (n < 5 at 90%), returns the
 * whole range [min, max] and its real, lower coverage, which the report shows.
 * Returns { lo, hi, k, coverage } (1-based k), or null for no values.
 */
export function medianInterval(values, level = 0.9) {
  const v = values.filter(finite).sort((a, b) => a - b);
  const n = v.length;
  if (n === 0) return null;
  let k = 1;
  for (let j = 1; j <= Math.floor((n + 1) / 2); j += 1) {
    if (1 - 2 * binomialHalfCdf(j - 1, n) >= level) k = j;
    else break;
  }
  const coverage = Math.max(0, 1 - 2 * binomialHalfCdf(k - 1, n));
  return { lo: v[k - 1], hi: v[n - k], k, coverage };
}

/**
 * Pairs two pages' loads by round: for every round in which both have a
 * finite `key`, the difference a − b. `a`, `b`: result rows with `round`.
 */
export function pairedDifferences(a, b, key) {
  const byRound = new Map();
  for (const r of b) if (finite(r[key])) byRound.set(r.round, r[key]);
  const out = [];
  for (const r of a) {
    if (finite(r[key]) && byRound.has(r.round)) out.push({ round: r.round, diff: r[key] - byRound.get(r.round) });
  }
  return out.sort((x, y) => x.round - y.round);
}

/**
 * The paired comparison: the median of the differences a − b and its
 * interval (medianInterval). `null` fields when no round has both.
 */
export function pairedComparison(a, b, key, level = 0.9) {
  const pairs = pairedDifferences(a, b, key);
  const diffs = pairs.map((p) => p.diff);
  const ci = medianInterval(diffs, level);
  return {
    n: diffs.length,
    median: median(diffs),
    lo: ci?.lo ?? null,
    hi: ci?.hi ?? null,
    coverage: ci?.coverage ?? null,
    level,
  };
}

/**
 * The candidate with the lowest median of `key` (ties: the first listed);
 * `rowsOf(id)` gives a candidate's result rows. null when none has data.
 */
export function fastestByMedian(ids, rowsOf, key) {
  let best = null;
  let bestMedian = null;
  for (const id of ids) {
    const m = median(rowsOf(id).map((r) => r[key]));
    if (m != null && (bestMedian == null || m < bestMedian)) {
      best = id;
      bestMedian = m;
    }
  }
  return best == null ? null : { id: best, median: bestMedian };
}

/**
 * The target's rule: the interval of the paired difference must not lie
 * above zero, i.e. its lower end is at most 0. null without an interval.
 */
export const notAboveZero = (cmp) => (cmp && cmp.lo != null ? cmp.lo <= 0 : null);

/** An A/A control is consistent with no difference when its interval holds 0. */
export const containsZero = (cmp) => (cmp && cmp.lo != null ? cmp.lo <= 0 && cmp.hi >= 0 : null);
