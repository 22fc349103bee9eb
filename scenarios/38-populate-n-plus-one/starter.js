// Scenario 38 · Populate and N+1 queries.
// GET /posts lists posts with their author's name;
// comments arrive on every post. Make the list cost
// the same few queries for 3 posts or 50, and keep
// a busy post from growing without bound.
// Check: npx backend-scenarios verify 38
// Stuck? npx backend-scenarios hint 38

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
  const User = db.model('User', new mongoose.Schema({
    name: String,
    email: String,
  }));
  const Post = db.model('Post', new mongoose.Schema({
    title: String,
    author: { type: ObjectId, ref: 'User' },
    // TODO: every comment ever written, inside the
    // post: what happens to its size over the years?
    comments: [{ text: String, at: Date }],
  }));

  const invalid = { error: 'invalid comment' };
  const missing = { error: 'no such post' };
  const app = express();
  app.use(express.json({ limit: '10kb' }));

  app.get('/posts', async (req, res) => {
    const posts = await Post.find().sort({ _id: 1 })
      .limit(50).select('-comments').lean();
    // TODO: count the round trips this loop makes for
    // a page of posts; make it one number, whatever
    // the page size.
    // TODO (senior): what does a reader of this list
    // learn about each author?
    for (const post of posts) {
      post.author = await User.findById(post.author)
        .lean();
    }
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
    const at = new Date();
    await Post.updateOne({ _id: req.params.id },
      { $push: { comments: { text, at } } });
    res.status(201).json({ ok: true });
  });

  return app;
}
