// Scenario 38 · reference fix: one query for the
// posts, one for all their authors; comments in a
// collection of their own.

/**
 * Resolve with the Express app once it is ready to
 * serve (the tool serves it: no app.listen).
 * @param {object} deps
 * @param {typeof import('express')} deps.express
 * @param {typeof import('mongoose')} deps.mongoose
 * @param {import('mongoose').Connection} deps.db
 *   a fresh database: define your models on it
 */
export async function createApp(deps) {
  const { express, mongoose, db } = deps;
  const { ObjectId } = mongoose.Schema.Types;
  // populate('author') finds this model by its name.
  db.model('User', new mongoose.Schema({
    name: String,
    email: String,
  }));
  const Post = db.model('Post', new mongoose.Schema({
    title: String,
    author: { type: ObjectId, ref: 'User' },
  }));
  // FIX: one document per comment, indexed by post:
  // a post never grows, comments page by index.
  const Comment = db.model('Comment',
    new mongoose.Schema({
      post: { type: ObjectId, index: true },
      text: String,
    }, { timestamps: true }));
  await Comment.createIndexes();

  const invalid = { error: 'invalid comment' };
  const missing = { error: 'no such post' };
  const app = express();
  app.use(express.json({ limit: '10kb' }));

  app.get('/posts', async (req, res) => {
    // FIX: populate collects every author id and
    // fetches them in one $in query: 2 in all.
    // SENIOR: only the public fields of the author.
    const posts = await Post.find().sort({ _id: 1 })
      .limit(50).populate('author', 'name').lean();
    res.json(posts.map((post) => ({
      id: post._id,
      title: post.title,
      author: post.author,
    })));
  });

  app.post('/posts/:id/comments', async (req, res) => {
    const text = req.body?.text;
    if (typeof text !== 'string' || text.length > 500
      || !mongoose.isValidObjectId(req.params.id)) {
      return res.status(400).json(invalid);
    }
    if (!(await Post.exists({ _id: req.params.id }))) {
      return res.status(404).json(missing);
    }
    // FIX: an insert, not a $push into the post.
    const post = req.params.id;
    await Comment.create({ post, text });
    res.status(201).json({ ok: true });
  });

  return app;
}
