import { type OnGatewayConnection, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { AuthorizedSocket } from './chat.gateway.js';

/** A gateway on a namespace of its own: the adapter's create() covers it too. */
@WebSocketGateway({ namespace: 'news' })
export class NewsGateway implements OnGatewayConnection {
  handleConnection(client: AuthorizedSocket): void {
    console.log(`handleConnection /news: ${client.request.user.username}`);
  }

  @SubscribeMessage('whoami')
  whoami(client: AuthorizedSocket): string {
    return client.request.user.username;
  }
}
