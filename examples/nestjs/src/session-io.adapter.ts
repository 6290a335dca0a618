import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Store } from 'express-session';
import passport from 'passport';
import { authorize } from 'passport.socketio-compat';

/**
 * The socket.io adapter of the app, with the Passport session check installed on every server
 * and namespace it creates: a refused client never reaches a gateway.
 */
export class SessionIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly session: { store: Store; secret: string; name?: string },
  ) {
    super(app);
  }

  override create(port: number, options?: Parameters<IoAdapter['create']>[1]): ReturnType<IoAdapter['create']> {
    const server = super.create(port, options);
    server.use(authorize({ store: this.session.store, secret: this.session.secret, key: this.session.name, passport }));
    return server;
  }
}
