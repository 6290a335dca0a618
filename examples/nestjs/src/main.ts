import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import session from 'express-session';
import passport from 'passport';
import { AppModule } from './app.module.js';
import { SessionIoAdapter } from './session-io.adapter.js';

const store = new session.MemoryStore();
const secret = process.env.SESSION_SECRET ?? 'keyboard cat';

const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: ['error', 'warn'] });
app.use(session({ store, secret, resave: false, saveUninitialized: false }));
app.use(passport.initialize());
app.use(passport.session());
app.useWebSocketAdapter(new SessionIoAdapter(app, { store, secret }));

await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
console.log(`listening on ${await app.getUrl()}`);
