import { type OnGatewayConnection, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import type { User } from './users.js';

export type AuthorizedSocket = Socket & { request: Socket['request'] & { user: User & { logged_in: true } } };

@WebSocketGateway()
export class ChatGateway implements OnGatewayConnection {
  // Runs only for sockets the adapter's authorize() accepted: the user is already there.
  handleConnection(client: AuthorizedSocket): void {
    console.log(`handleConnection: ${client.request.user.username}`);
  }

  @SubscribeMessage('whoami')
  whoami(client: AuthorizedSocket): User {
    const { id, username, name } = client.request.user;
    return { id, username, name };
  }
}
