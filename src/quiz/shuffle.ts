// The order multiple-choice options are shown in. The scenario files tend to list the right answer
// early, so showing them as stored would teach "pick 1 or 2" instead of the material.
import { randomInt } from 'node:crypto';

/** A number in [0, 1); tests pass a seeded one to get a repeatable order. */
export type RandomSource = () => number;

/** crypto-backed, so the order cannot be learned from earlier sessions. */
export const cryptoRandom: RandomSource = () => randomInt(0, 2 ** 32) / 2 ** 32;

/** Fisher–Yates: `order[shown] = stored index`, every permutation equally likely. */
export function shuffledOrder(length: number, random: RandomSource = cryptoRandom): number[] {
  const order = Array.from({ length }, (_, index) => index);
  for (let last = length - 1; last > 0; last -= 1) {
    const pick = Math.floor(random() * (last + 1));
    [order[last], order[pick]] = [order[pick]!, order[last]!];
  }
  return order;
}
