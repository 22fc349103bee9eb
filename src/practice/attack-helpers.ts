// Small pieces most attacks need: finding the learner's model on the connection they were given,
// and capping bcrypt's cost so a production cost in the learner's file does not make a run slow.
import type { Model } from 'mongoose';
import type { AttackContext } from './attack-contract.js';

/**
 * The learner's model: whichever model on their connection has `path`. Throws a message that tells
 * the learner what to define (`example`, e.g. "db.model('User', schema)") when none has it.
 */
export function learnerModel<T>(ctx: Pick<AttackContext, 'db'>, path: string, example: string): Model<T> {
  const model = Object.values(ctx.db.models).find((candidate) => candidate.schema.path(path) !== undefined);
  if (!model) throw new Error(`no model with a \`${path}\` path was defined on deps.db (${example})`);
  return model as unknown as Model<T>;
}

/** The bcrypt the learner's code receives: hash() never above `maxCost`; compare() untouched. */
export interface CappedBcrypt {
  hash(password: string, cost: number): Promise<string>;
  compare(password: string, hash: string): Promise<boolean>;
}

export function cappedBcrypt(bcrypt: CappedBcrypt, maxCost: number): CappedBcrypt {
  return {
    hash: (password, cost) => bcrypt.hash(password, Math.min(Number(cost) || maxCost, maxCost)),
    compare: (password, hash) => bcrypt.compare(password, hash),
  };
}
