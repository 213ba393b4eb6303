// node --test bench/lib/   (also run by `cargo test -p xtask`, so by `cargo xtask test`)
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  binomialHalfCdf,
  containsZero,
  fastestByMedian,
  median,
  medianInterval,
  notAboveZero,
  pairedComparison,
  pairedDifferences,
  quantile,
  shuffled,
  summary,
} from "./stats.mjs";

const close = (a, b, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} is not ${b}`);

test("quantile: nearest rank, even median is the mean of the middle two, junk ignored", () => {
  assert.equal(quantile([3, 1, 2], 0.5), 2);
  assert.equal(quantile([4, 1, 3, 2], 0.5), 2.5);
  assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), 9);
  assert.equal(quantile([5, null, undefined, NaN, Infinity, 7], 0.5), 6);
  assert.equal(quantile([], 0.5), null);
  assert.deepEqual(summary([1, 2, 3, null]), { median: 2, p90: 3, n: 3 });
});

test("binomial(n, 1/2) CDF against exact values", () => {
  close(binomialHalfCdf(0, 3), 1 / 8);
  close(binomialHalfCdf(1, 3), 4 / 8);
  close(binomialHalfCdf(3, 3), 1);
  assert.equal(binomialHalfCdf(-1, 5), 0);
  // P(B <= 10), n = 30: sum of C(30, i), i = 0..10, over 2^30 = 53009102 / 1073741824
  close(binomialHalfCdf(10, 30), 53009102 / 1073741824, 1e-12);
  // Symmetry: P(B <= k) + P(B <= n-k-1) = 1
  for (const n of [7, 30, 101, 400]) for (const k of [0, 3, Math.floor(n / 3)]) close(binomialHalfCdf(k, n) + binomialHalfCdf(n - k - 1, n), 1, 1e-9);
});

test("median interval: the order statistics of the textbook table, and their coverage", () => {
  const seq = (n) => Array.from({ length: n }, (_, i) => i + 1); // x(i) = i
  // n = 30 at 90%: [x(11), x(20)], coverage 1 - 2 P(B <= 10) = 0.9013
  let ci = medianInterval(seq(30));
  assert.deepEqual([ci.lo, ci.hi, ci.k], [11, 20, 11]);
  close(ci.coverage, 1 - 2 * (53009102 / 1073741824), 1e-12);
  // n = 8: k = 2 (coverage 0.930); k = 3 would be 0.711
  ci = medianInterval(seq(8));
  assert.deepEqual([ci.lo, ci.hi], [2, 7]);
  close(ci.coverage, 1 - 2 / 256 - 16 / 256, 1e-12);
  // n = 5: only [min, max] reaches 90% (0.9375)
  ci = medianInterval(seq(5));
  assert.deepEqual([ci.lo, ci.hi], [1, 5]);
  close(ci.coverage, 0.9375);
  // n = 3: too few for 90%: the whole range, and its real coverage (75%)
  ci = medianInterval([9, 1, 5]);
  assert.deepEqual([ci.lo, ci.hi], [1, 9]);
  close(ci.coverage, 0.75);
  // 95% is wider than 90%
  const c95 = medianInterval(seq(30), 0.95);
  assert.ok(c95.lo < 11 && c95.hi > 20);
  assert.equal(medianInterval([]), null);
  // Ties are fine: the interval is made of observed values
  ci = medianInterval([16.7, 16.7, 16.7, 33.4, 33.4, 16.7, 16.7, 0, 16.7, 16.7]);
  assert.ok(ci.lo <= 16.7 && ci.hi >= 16.7);
});

test("median interval covers the true median about 90% of the time (seeded simulation)", () => {
  // Skewed, frame-quantized times like the benchmark's: median of the
  // population is known exactly by construction.
  let seed = 1;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const draw = () => Math.round((-Math.log(1 - rand()) * 40) / 16.7) * 16.7; // exponential, quantized
  // True median of the quantized exponential: the smallest m with P(X <= m) >= 1/2 (and > 1/2 here).
  const trueMedian = Math.round((Math.LN2 * 40) / 16.7) * 16.7;
  let covered = 0;
  const trials = 2000;
  for (let t = 0; t < trials; t += 1) {
    const ci = medianInterval(Array.from({ length: 30 }, draw));
    if (ci.lo <= trueMedian && trueMedian <= ci.hi) covered += 1;
  }
  // At least the nominal 90% (ties make it conservative); allow simulation noise.
  assert.ok(covered / trials > 0.88, `coverage ${covered / trials}`);
});

test("paired differences: matched by round, missing or failed loads dropped", () => {
  const a = [
    { round: 0, visible: 110 },
    { round: 1, visible: 120 },
    { round: 2, visible: null }, // failed in round 2
    { round: 3, visible: 90 },
  ];
  const b = [
    { round: 3, visible: 100 },
    { round: 0, visible: 100 },
    { round: 2, visible: 95 },
    // no round 1
  ];
  assert.deepEqual(pairedDifferences(a, b, "visible"), [
    { round: 0, diff: 10 },
    { round: 3, diff: -10 },
  ]);
  const cmp = pairedComparison(a, b, "visible");
  assert.equal(cmp.n, 2);
  assert.equal(cmp.median, 0);
  assert.deepEqual([cmp.lo, cmp.hi], [-10, 10]);
  assert.equal(pairedComparison([], b, "visible").median, null);
});

test("paired comparison of a page that is always 20 ms later", () => {
  const base = Array.from({ length: 30 }, (_, round) => ({ round, t: 100 + ((round * 37) % 50) }));
  const later = base.map((r) => ({ round: r.round, t: r.t + 20 }));
  const cmp = pairedComparison(later, base, "t");
  assert.deepEqual([cmp.n, cmp.median, cmp.lo, cmp.hi], [30, 20, 20, 20]);
  assert.equal(notAboveZero(cmp), false);
  assert.equal(containsZero(cmp), false);
  const back = pairedComparison(base, later, "t");
  assert.equal(notAboveZero(back), true);
});

test("the target's rule and the A/A rule", () => {
  assert.equal(notAboveZero({ lo: -3, hi: 12 }), true); // straddles zero: not above
  assert.equal(notAboveZero({ lo: 0, hi: 12 }), true);
  assert.equal(notAboveZero({ lo: 1, hi: 12 }), false); // wholly above zero
  assert.equal(notAboveZero({ lo: null, hi: null }), null);
  assert.equal(containsZero({ lo: -3, hi: 12 }), true);
  assert.equal(containsZero({ lo: -9, hi: -1 }), false);
  assert.equal(containsZero(null), null);
});

test("fastest by median: the lowest median, ties to the first, empty skipped", () => {
  const rows = {
    a: [{ t: 100 }, { t: 300 }, { t: 200 }],
    b: [{ t: 150 }, { t: 160 }, { t: 900 }],
    c: [],
    d: [{ t: 170 }, { t: 150 }],
    e: [{ t: 160 }],
  };
  assert.deepEqual(fastestByMedian(["a", "b", "c", "d"], (id) => rows[id], "t"), { id: "b", median: 160 });
  assert.deepEqual(fastestByMedian(["e", "b"], (id) => rows[id], "t"), { id: "e", median: 160 });
  assert.equal(fastestByMedian(["c"], (id) => rows[id], "t"), null);
});

test("seeded shuffle: reproducible, a permutation, different per seed", () => {
  const items = ["blank", "candor", "copy", "cc", "klaro", "orejime"];
  assert.deepEqual(shuffled(items, 42), shuffled(items, 42));
  assert.deepEqual([...shuffled(items, 42)].sort(), [...items].sort());
  const orders = new Set(Array.from({ length: 20 }, (_, s) => shuffled(items, s).join()));
  assert.ok(orders.size > 10);
  assert.equal(median([3, 1]), 2);
});
