// Starts a replica set of embedded engines: N members on N loopback ports, member 0 primary.
import type { InputLimits } from '../api.js';
import type { EngineState } from '../commands/context.js';
import { WireServer } from '../server.js';
import { expireDocuments } from '../ttl.js';
import { MemberCommands } from './member-commands.js';
import { ReplicaSet, type ReplicaMember } from './replica-set.js';
import { SessionTable } from './transactions.js';

export interface ReplicaSetControl {
  name: string;
  /** host:port of each member, in configuration order. */
  hosts: string[];
  /** Index of the current primary in `hosts`. */
  primary(): number;
  /** Stops the given secondary (every secondary when omitted) from applying the oplog. */
  pauseReplication(member?: number): void;
  resumeReplication(member?: number): void;
  /** Each secondary (or the given one) applies entries this long after the primary wrote them. */
  setReplicationLag(ms: number, member?: number): void;
  /** The primary steps down; the next member becomes primary. */
  stepDown(): void;
}

export interface StartedReplicaSet {
  uri: string;
  control: ReplicaSetControl;
  close(): Promise<void>;
}

const HOUSEKEEPING_MS = 1000;

export interface ReplicaSetOptions {
  name: string;
  members: number;
  host: string;
  enableTestCommands: boolean;
  /** A fresh engine state for one member (the standalone engine's, with the same options). */
  newState: () => EngineState;
  inputLimits: InputLimits;
}

export async function startReplicaSet(options: ReplicaSetOptions): Promise<StartedReplicaSet> {
  if (!Number.isInteger(options.members) || options.members < 1 || options.members > 7) {
    throw new Error(`a replica set has 1 to 7 members here, not ${options.members}`);
  }
  const set = new ReplicaSet(options.name);
  const sessions = new SessionTable(set);
  const servers: WireServer[] = [];
  for (let index = 0; index < options.members; index += 1) {
    const state = options.newState();
    // The member's commands need the member, which needs the port: the server asks for them lazily.
    const member: { commands?: MemberCommands } = {};
    const server = new WireServer(state, options.inputLimits, (cmd, dbName, engine, connectionId) => member.commands!.run(cmd, dbName, engine, connectionId));
    const port = await server.listen(0, options.host);
    state.port = port;
    servers.push(server);
    member.commands = new MemberCommands(set, set.addMember(state, `${options.host}:${port}`), sessions, { enableTestCommands: options.enableTestCommands });
  }
  const housekeeping = setInterval(() => {
    for (const member of set.members) member.state.cursors.closeIdle();
    // Only the primary expires TTL documents; secondaries receive the deletes through the oplog.
    expireDocuments(set.primary.state.catalog);
    sessions.reap();
  }, HOUSEKEEPING_MS);
  housekeeping.unref();

  const secondaries = (which?: number): ReplicaMember[] => {
    if (which !== undefined) {
      const member = set.members[which];
      if (!member) throw new Error(`the set has members 0 to ${set.members.length - 1}, not ${which}`);
      return [member];
    }
    return set.members.filter((member) => !set.isPrimary(member));
  };
  const control: ReplicaSetControl = {
    name: options.name,
    hosts: set.members.map((member) => member.host),
    primary: () => set.primaryIndex,
    pauseReplication: (which) => secondaries(which).forEach((member) => set.pause(member)),
    resumeReplication: (which) => secondaries(which).forEach((member) => set.resume(member)),
    setReplicationLag: (ms, which) => secondaries(which).forEach((member) => set.setLag(member, ms)),
    stepDown: () => { set.stepDown(); },
  };
  let closed: Promise<void> | undefined;
  return {
    uri: `mongodb://${control.hosts.join(',')}/?replicaSet=${encodeURIComponent(options.name)}`,
    control,
    close() {
      if (!closed) {
        clearInterval(housekeeping);
        set.close();
        closed = Promise.all(servers.map((server) => server.close())).then(() => {
          for (const member of set.members) {
            member.state.cursors.clear();
            member.state.catalog.databases.clear();
          }
        });
      }
      return closed;
    },
  };
}
