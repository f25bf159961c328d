/**
 * The allowance estimator (pure): observations in, the account's allowance out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerObservation, initialAllowance, observe, type AllowanceState, type Observation } from '../src/klaviyo/allowance.js';

const XL = { burst: 350, steady: 3500 };
const T0 = 1_800_000_000_000;
const answer = (at: number, limit: number, remaining = limit - 1, resetSeconds = 30): Observation => ({ kind: 'answer', at, limit, remaining, resetSeconds });
const throttled = (at: number, retryAfterMs: number | null, sentLastSecond: number, sentLastMinute = sentLastSecond, acceptedBestSecond = 0): Observation => ({
  kind: 'throttled', at, retryAfterMs, sentLastSecond, sentLastMinute, acceptedBestSecond,
});
const run = (s: AllowanceState, obs: Observation[]) => obs.reduce(observe, s);

describe('allowance estimator', () => {
  it('starts at the published tier', () => {
    assert.deepEqual(initialAllowance(XL).allowance, XL);
  });

  it('takes the steady limit from RateLimit-Limit and scales the burst like it', () => {
    const s = observe(initialAllowance(XL), answer(T0, 350));
    assert.deepEqual(s.allowance, { burst: 35, steady: 350 });
    assert.equal(s.burstCeiling, 35);
  });

  it('never sets the burst above the steady limit', () => {
    assert.deepEqual(observe(initialAllowance({ burst: 10, steady: 15 }), answer(T0, 5)).allowance, { burst: 4, steady: 5 });
  });

  it('cuts the burst to 90% of what was sent in the last second on a confirmed burst 429, once per second', () => {
    const s0 = observe(initialAllowance(XL), answer(T0, 3500));
    const lone = observe(s0, throttled(T0 + 10, 1000, 40));
    assert.equal(lone.allowance.burst, 350, 'a lone 429 only waits its Retry-After');
    assert.equal(observe(lone, throttled(T0 + 20, 1000, 41)), lone, 'the other in-flight requests of the same overflow teach nothing new');
    const s1 = observe(lone, throttled(T0 + 1100, 1000, 40));
    assert.deepEqual(s1.allowance, { burst: 36, steady: 3500 }, 'confirmed a second later');
    assert.equal(observe(s1, throttled(T0 + 1200, 1000, 39)), s1, 'one cut per second');
    const s2 = observe(observe(s1, throttled(T0 + 2500, 1000, 30)), throttled(T0 + 3600, 1000, 30));
    assert.equal(s2.allowance.burst, 27);
    const late = observe(observe(s0, throttled(T0, 1000, 40)), throttled(T0 + 11_000, 1000, 40));
    assert.equal(late.allowance.burst, 350, 'more than ten seconds apart: two lone ones');
  });

  it('never cuts below half the most answers seen in one second: 429s our pace does not explain cannot starve us', () => {
    const s0 = observe(initialAllowance(XL), answer(T0, 3500));
    const s1 = run(s0, [throttled(T0, 1000, 3, 3, 40), throttled(T0 + 1100, 1000, 3, 3, 40)]);
    assert.equal(s1.allowance.burst, 20);
  });

  it('takes a 429 without Retry-After for a burst one', () => {
    assert.equal(run(initialAllowance(XL), [throttled(T0, null, 20), throttled(T0 + 1000, null, 20)]).allowance.burst, 18);
  });

  it('raises the burst 5% per clean minute, up to the prior, but not back to where the 429 came for ten minutes', () => {
    let s = observe(initialAllowance(XL), answer(T0, 3500));
    s = run(s, [throttled(T0 - 1000, 1000, 100), throttled(T0 + 1, 1000, 100)]); // 90
    s = observe(s, answer(T0 + 30_000, 3500));
    assert.equal(s.allowance.burst, 90, 'not within the minute');
    s = observe(s, answer(T0 + 61_000, 3500));
    assert.equal(s.allowance.burst, 95);
    s = observe(s, answer(T0 + 122_000, 3500));
    assert.equal(s.allowance.burst, 99, 'just under the 100 the 429 came at');
    s = observe(s, answer(T0 + 183_000, 3500));
    assert.equal(s.allowance.burst, 99);
    s = observe(s, answer(T0 + 601_000, 3500));
    assert.equal(s.allowance.burst, 104, 'ten minutes on it tries again');
    for (let m = 11; m < 200; m++) s = observe(s, answer(T0 + m * 61_000, 3500));
    assert.equal(s.allowance.burst, 350, 'never above the published burst');
  });

  it('does not raise on a 429 (it carries no RateLimit-Limit)', () => {
    let s = run(initialAllowance(XL), [throttled(T0 - 1000, 1000, 100), throttled(T0, 1000, 100)]);
    s = observe(s, answerObservation(T0 + 120_000, { 'retry-after': '1' }));
    assert.equal(s.allowance.burst, 90);
  });

  it('a steady 429: with RateLimit-Limit known others spent the window (nothing to learn); unknown, cut the steady estimate', () => {
    const known = observe(initialAllowance(XL), answer(T0, 3500));
    assert.equal(observe(known, throttled(T0 + 5, 30_000, 5, 2000)), known);
    const unknown = observe(initialAllowance(XL), throttled(T0, 30_000, 5, 2000));
    assert.deepEqual(unknown.allowance, { burst: 350, steady: 1800 });
    assert.equal(unknown.burstCeiling, 180);
  });

  it('counts a 429 when the last answer said the steady window was spent as a steady one', () => {
    const s = run(initialAllowance(XL), [answer(T0, 3500, 1, 20)]);
    assert.equal(observe(s, throttled(T0 + 100, 1000, 50)), s, 'not a burst cut');
  });

  it('reads the headers, taking the leading number', () => {
    assert.deepEqual(answerObservation(T0, { 'ratelimit-limit': '350', 'ratelimit-remaining': ['12'], 'ratelimit-reset': '41' }), { kind: 'answer', at: T0, limit: 350, remaining: 12, resetSeconds: 41 });
    assert.deepEqual(answerObservation(T0, { 'ratelimit-limit': '700;w=60' }), { kind: 'answer', at: T0, limit: 700 });
    assert.deepEqual(answerObservation(T0, {}), { kind: 'answer', at: T0 });
  });

  it('never changes its input', () => {
    const s = initialAllowance(XL);
    const copy = structuredClone(s);
    run(s, [answer(T0, 350), throttled(T0 + 5, 1000, 9), throttled(T0 + 1005, 1000, 9), answer(T0 + 100_000, 350)]);
    assert.deepEqual(s, copy);
  });
});
