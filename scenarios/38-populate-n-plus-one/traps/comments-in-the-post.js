// Scenario 38 · trap: populate fixes the list; the
// comments still pile up inside each post.

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
    comments: [{ text: String, at: Date }],
  }));

  const invalid = { error: 'invalid comment' };
  const missing = { error: 'no such post' };
  const app = express();
  app.use(express.json({ limit: '10kb' }));

  app.get('/posts', async (req, res) => {
    // as the fix: two queries, public fields only.
    const posts = await Post.find().sort({ _id: 1 })
      .limit(50).select('-comments')
      .populate('author', 'name').lean();
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
    // TRAP: one array per post, growing forever.
    const at = new Date();
    await Post.updateOne({ _id: req.params.id },
      { $push: { comments: { text, at } } });
    res.status(201).json({ ok: true });
  });

  return app;
}
