// One embedded engine and one connected `mongodb` client for a test suite: started in `before`,
// closed in `after`, so each engine test file states only what it proves.
import { after, before } from 'node:test';
import { MongoClient, type Db } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/engine/index.js';

export interface DriverSession {
  readonly engine: EmbeddedMongo;
  readonly client: MongoClient;
  readonly db: Db;
}

/** Call inside `describe`; the returned object's fields are set once `before` has run. */
export function useDriverSession(dbName: string): DriverSession {
  const session = {} as { engine: EmbeddedMongo; client: MongoClient; db: Db };
  before(async () => {
    session.engine = await startEmbeddedMongo();
    session.client = await MongoClient.connect(session.engine.uri, { serverSelectionTimeoutMS: 5000 });
    session.db = session.client.db(dbName);
  });
  after(async () => {
    await session.client?.close();
    await session.engine?.close();
  });
  return session;
}
