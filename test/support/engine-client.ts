// One embedded engine and one driver client for a describe block, started before its tests and
// closed after them, plus the assertion helpers the engine's driver-level tests share.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { MongoClient, type MongoServerError } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/engine/index.js';

/** A document with a scalar _id (the driver's default type says ObjectId). */
export interface TestDoc {
  _id: number;
  [field: string]: unknown;
}

export interface EngineClient {
  readonly engine: EmbeddedMongo;
  readonly client: MongoClient;
}

/** Registers before/after hooks in the enclosing describe; read the fields inside tests. */
export function useEngineClient(): EngineClient {
  let engine: EmbeddedMongo | undefined;
  let client: MongoClient | undefined;
  before(async () => {
    engine = await startEmbeddedMongo();
    client = await MongoClient.connect(engine.uri, { serverSelectionTimeoutMS: 5000 });
  });
  after(async () => {
    await client?.close();
    await engine?.close();
  });
  return {
    get engine(): EmbeddedMongo {
      assert.ok(engine, 'the engine starts in before()');
      return engine;
    },
    get client(): MongoClient {
      assert.ok(client, 'the client connects in before()');
      return client;
    },
  };
}

/** For assert.rejects: the server error has this code and this message (or one matching it). */
export function failsWith(code: number, message: string | RegExp): (error: MongoServerError) => boolean {
  return (error) => {
    assert.equal(error.code, code);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  };
}
