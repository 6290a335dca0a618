import { InvalidArgumentError, UnsupportedSocketIoError } from '../errors';

/**
 * A socket.io 4 namespace as the cluster helpers use it: every call goes through the adapter, so
 * it reaches the sockets of every node (Redis adapter, cluster adapter, ...) as well as this one.
 */
export interface ClusterNamespace {
  name?: string;
  in(room: string | string[]): ClusterBroadcast;
  to(room: string | string[]): ClusterBroadcast;
  fetchSockets(): Promise<any[]>;
  /** socket.io 4.1 and later: an event to the same namespace on the other nodes. */
  serverSideEmit?(event: string, ...args: any[]): unknown;
  /** This node's adapter (its rooms: a Map of room to socket ids on socket.io 3 and 4). */
  adapter?: { rooms?: Map<string, Set<string>> };
  /** This node's sockets (a Map by id on socket.io 3 and 4). */
  sockets?: unknown;
}

interface ClusterBroadcast {
  emit(event: string, ...args: any[]): unknown;
  fetchSockets(): Promise<any[]>;
  disconnectSockets(close?: boolean): void;
}

/** A socket.io server or one of its namespaces (`io.of('/chat')`), of any major. */
export type ServerOrNamespace = object;

interface ServerShape {
  of(name: string): unknown;
  sockets: unknown;
  _nsps?: Map<string, unknown>;
}

function isServer(io: object): io is ServerShape {
  return typeof (io as ServerShape).of === 'function' && (io as ServerShape).sockets !== undefined;
}

function checkIo(io: unknown, helper: string): asserts io is object {
  if (io === null || typeof io !== 'object') {
    throw new InvalidArgumentError('io', `${helper}: io must be a socket.io server or namespace`);
  }
}

function asClusterNamespace(candidate: unknown, helper: string): ClusterNamespace {
  const namespace = candidate as Partial<ClusterNamespace> | null;
  if (namespace === null || typeof namespace !== 'object' || typeof namespace.in !== 'function') {
    throw new InvalidArgumentError('io', `${helper}: io must be a socket.io server or namespace`);
  }
  if (typeof namespace.fetchSockets !== 'function') throw new UnsupportedSocketIoError(helper);
  return namespace as ClusterNamespace;
}

/** The server's main namespace, or the namespace itself: where lookups and emits go. */
export function mainNamespaceOf(io: ServerOrNamespace, helper: string): ClusterNamespace {
  checkIo(io, helper);
  return asClusterNamespace(isServer(io) ? io.sockets : io, helper);
}

/**
 * Where disconnects go: for a server, every namespace it has (a session's sockets may sit in
 * `/chat` only); for a namespace, that one. Nodes see the namespaces they created themselves, so
 * an app creates its namespaces at startup on every node, as socket.io's adapters expect anyway.
 */
export function namespacesOf(io: ServerOrNamespace, helper: string): ClusterNamespace[] {
  checkIo(io, helper);
  if (!isServer(io)) return [asClusterNamespace(io, helper)];
  const all = io._nsps instanceof Map ? [...io._nsps.values()] : [io.sockets];
  return all.map((namespace) => asClusterNamespace(namespace, helper));
}
