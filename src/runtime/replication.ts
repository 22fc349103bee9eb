// Replication control for demos that must make a stale secondary read certain: every secondary
// stops applying the oplog (mongod's rsSyncApplyStop fail point) until resume(). It speaks only
// MongoDB's own commands, over a direct connection to each secondary, so it works the same on the
// embedded replica set and on a real one started with enableTestCommands=1; scenario code never
// knows which it has.
import type { MongoClient } from 'mongodb';
import type { ReplicationControl } from './context.js';

/** Hosts of the set's secondaries, as the primary's hello lists them. */
async function secondaryHosts(client: MongoClient): Promise<string[]> {
  const hello = await client.db('admin').command({ hello: 1 });
  const hosts = Array.isArray(hello['hosts']) ? (hello['hosts'] as string[]) : [];
  return hosts.filter((host) => host !== hello['primary']);
}

export function wireReplicationControl(uri: string): ReplicationControl & { close(): Promise<void> } {
  const clients: MongoClient[] = [];
  let secondaries: Promise<MongoClient[]> | undefined;
  const connect = async (): Promise<MongoClient[]> => {
    const { MongoClient: Client } = await import('mongodb');
    const seed = new Client(uri, { serverSelectionTimeoutMS: 5_000 });
    clients.push(seed);
    const hosts = await secondaryHosts(seed);
    if (hosts.length === 0) throw new Error('this replica set has no secondary to pause');
    return Promise.all(hosts.map(async (host) => {
      const direct = new Client(`mongodb://${host}/?directConnection=true`, { serverSelectionTimeoutMS: 5_000 });
      clients.push(direct);
      await direct.connect();
      return direct;
    }));
  };
  const configure = async (mode: 'alwaysOn' | 'off'): Promise<void> => {
    secondaries ??= connect();
    for (const client of await secondaries) {
      try {
        await client.db('admin').command({ configureFailPoint: 'rsSyncApplyStop', mode });
      } catch (error) {
        const code = (error as { code?: number }).code;
        if (code === 59) throw new Error('the server refused configureFailPoint: start it with enableTestCommands=1 to let a demo pause replication');
        throw error;
      }
    }
  };
  return {
    pause: () => configure('alwaysOn'),
    resume: () => configure('off'),
    async close() {
      await Promise.all(clients.map((client) => client.close(true).catch(() => undefined)));
    },
  };
}
