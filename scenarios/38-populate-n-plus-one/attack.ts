// Scenario 38's attack, run against starter.js, the trap, solution.js (`run 38`) and the learner's
// own file (`verify 38`). Round trips are counted at the app's own connection: Mongoose emits
// 'operation-start' once per collection call (find, findOne, aggregate, …), so the count is what the
// handler asked the database for, whichever way it asked. Sizes are BSON.calculateObjectSize of the
// stored document, read past the model.
import { defineAttack } from '../../src/practice/attack-contract.js';
import type { AttackContext } from '../../src/practice/attack-contract.js';
import type { Model, Types } from 'mongoose';

const AUTHORS = ['Ada', 'Grace', 'Edsger', 'Barbara'];
const FIRST_PAGE = 3;
const SECOND_PAGE = 12;
const COMMENTS = 50;
const COMMENT_BURST = 10;
const COMMENT_TEXT = 'A comment of one hundred characters, about the length of a short reply under a post on a forum..!';
/** MongoDB's limit for one document (BSONObjectMaxSize). */
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

export const checks = {
  queriesConstant: { claim: `GET /posts costs the same round trips for ${FIRST_PAGE} and ${SECOND_PAGE} posts, at most 2`, level: 'core', broken: 'GET /posts makes one more round trip per post listed' },
  authorsShown: { claim: 'every listed post carries its author\'s name', level: 'core', broken: 'listed posts lack their author\'s name' },
  postSizeBounded: { claim: `${COMMENTS} comments later, the post document is the size it was (201 each)`, level: 'core', broken: 'every comment makes the post document bigger' },
  authorPublicOnly: { claim: 'the listed author carries no email address', level: 'senior', broken: 'the list sends every author\'s email address' },
} as const;

export type CheckId = keyof typeof checks;

interface Listed { title?: string; author?: { name?: string; email?: string } | null }

function modelWithPath<T>(ctx: AttackContext, path: string, name: string): Model<T> {
  const model = Object.values(ctx.db.models).find((candidate) => candidate.schema.path(path) !== undefined);
  if (!model) throw new Error(`no model with a \`${path}\` path was defined on deps.db (db.model('${name}', schema))`);
  return model as unknown as Model<T>;
}

/** Runs `body` and returns the collection calls the app's connection made meanwhile, e.g. ["posts.find", "users.find"]. */
async function countOperations<T>(ctx: AttackContext, body: () => Promise<T>): Promise<{ result: T; operations: string[] }> {
  const operations: string[] = [];
  const listener = (event: { collectionName: string; method: string }): void => { operations.push(`${event.collectionName}.${event.method}`); };
  ctx.db.on('operation-start', listener);
  try {
    return { result: await body(), operations };
  } finally {
    ctx.db.off('operation-start', listener);
  }
}

function tally(operations: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const operation of operations) counts[operation] = (counts[operation] ?? 0) + 1;
  return counts;
}

export const attack = defineAttack({
  checks,
  preamble: `Each file below gets a fresh database with ${AUTHORS.length} authors, then ${FIRST_PAGE} posts, then ${SECOND_PAGE}; GET /posts is asked at each size `
    + 'and its round trips are counted at the connection the app was given (one Mongoose collection call each). '
    + `Then ${COMMENTS} comments are posted to one post, and the stored post is weighed with BSON.calculateObjectSize before and after.`,
  async run(ctx, target) {
    const app = await target.start({ express: ctx.express, mongoose: ctx.mongoose, db: ctx.db });
    const User = modelWithPath<{ name: string; email: string }>(ctx, 'email', 'User');
    const Post = modelWithPath<{ title: string; author: Types.ObjectId }>(ctx, 'title', 'Post');

    const users = await User.insertMany(AUTHORS.map((name) => ({ name, email: `${name.toLowerCase()}@example.com` })));
    const authorOf = (index: number): string => AUTHORS[index % AUTHORS.length] ?? '';
    const seed = (from: number, to: number) => Post.insertMany(Array.from({ length: to - from }, (_, offset) => ({
      title: `Post ${from + offset + 1}`, author: users[(from + offset) % users.length]?._id,
    })));

    await seed(0, FIRST_PAGE);
    const small = await countOperations(ctx, () => app.request({ path: '/posts' }));
    await seed(FIRST_PAGE, SECOND_PAGE);
    const large = await countOperations(ctx, () => app.request({ path: '/posts' }));
    const counts = ctx.observe('round trips for GET /posts', { [`${FIRST_PAGE} posts`]: small.operations.length, [`${SECOND_PAGE} posts`]: large.operations.length });
    ctx.observe(`calls for ${SECOND_PAGE} posts`, tally(large.operations));
    ctx.check('queriesConstant', small.operations.length === large.operations.length && large.operations.length <= 2 && large.result.status === 200, counts,
      `${small.operations.length} for ${FIRST_PAGE} posts, ${large.operations.length} for ${SECOND_PAGE}`);

    const listed = (Array.isArray(large.result.body) ? large.result.body : []) as Listed[];
    const named = listed.filter((post) => {
      const index = Number(String(post.title ?? '').replace('Post ', '')) - 1;
      return post.author?.name === authorOf(index);
    }).length;
    ctx.check('authorsShown', listed.length === SECOND_PAGE && named === SECOND_PAGE, ctx.observe('posts listed with their author\'s name', `${named} of ${listed.length}`));
    const leaked = listed.filter((post) => post.author !== null && post.author !== undefined && 'email' in post.author).length;
    ctx.check('authorPublicOnly', listed.length > 0 && leaked === 0, ctx.observe('authors listed with an email address', leaked));

    // The same page in one round trip: $lookup joins on the server (shown when author is a reference).
    if (Post.schema.path('author')?.instance === 'ObjectId') {
      const joined = await countOperations(ctx, () => Post.aggregate([
        { $sort: { _id: 1 } },
        { $lookup: { from: User.collection.name, localField: 'author', foreignField: '_id', as: 'author', pipeline: [{ $project: { name: 1 } }] } },
        { $project: { title: 1, author: { $first: '$author' } } },
      ]));
      ctx.observe(`$lookup, the same ${SECOND_PAGE} posts`, { roundTrips: joined.operations.length, withNames: joined.result.filter((post: Listed) => post.author?.name).length });
    }

    const { BSON } = ctx.mongoose.mongo;
    const first = await Post.collection.findOne({ title: 'Post 1' });
    const sizeOf = async (): Promise<number> => BSON.calculateObjectSize((await Post.collection.findOne({ _id: first?._id })) ?? {});
    const before = await sizeOf();
    // In small bursts: fifty requests at once would measure the machine, not the schema.
    const posted = [];
    for (let sent = 0; sent < COMMENTS; sent += COMMENT_BURST) {
      posted.push(...await ctx.concurrently(COMMENT_BURST, () => app.request({ method: 'POST', path: `/posts/${String(first?._id)}/comments`, json: { text: COMMENT_TEXT } })));
    }
    const after = await sizeOf();
    const created = posted.filter((response) => response.status === 201).length;
    const perComment = (after - before) / COMMENTS;
    const sizes = ctx.observe('post document (bytes)', { before, after, perComment: Math.round(perComment) });
    if (perComment > 0) ctx.observe('comments until the 16 MiB document limit', Math.floor((MAX_DOCUMENT_BYTES - after) / perComment));
    ctx.check('postSizeBounded', created === COMMENTS && after === before, sizes, `${created} of ${COMMENTS} answered 201; ${before} → ${after} bytes`);
  },
});
