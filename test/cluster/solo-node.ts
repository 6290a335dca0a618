/**
 * One node for a describe block: started before its tests, and closed after them with every socket
 * they opened through `connect`.
 */
import { after, before } from 'node:test';
import { type ClusterNode, type NodeOptions, startNode } from './apps/node-app';
import { type ClientSocket, closeAll, connectSocket } from './support';

export interface SoloNode {
  readonly node: ClusterNode;
  connect(cookie: string | undefined, namespace?: string): Promise<ClientSocket>;
}

export function soloNode(options: NodeOptions): SoloNode {
  let started: ClusterNode | undefined;
  const open: ClientSocket[] = [];
  before(async () => {
    started = await startNode(options);
  });
  after(async () => {
    closeAll(open);
    await started?.close();
  });
  const solo: SoloNode = {
    get node() {
      if (!started) throw new Error('the node starts in before()');
      return started;
    },
    async connect(cookie, namespace) {
      const socket = await connectSocket(solo.node.url, cookie, { namespace });
      open.push(socket);
      return socket;
    },
  };
  return solo;
}
