// biome-ignore-all lint: legacy code, kept as apps of its time wrote it (the corpus is what the doctor and the tests read)

import express from 'express';
import session from 'express-session';
import { createServer } from 'http';
import passport from 'passport';
import * as passportSocketIo from 'passport.socketio';
import { Strategy as LocalStrategy } from 'passport-local';
import { Server, Socket } from 'socket.io';

declare global {
  namespace Express {
    interface User {
      id: number;
      username: string;
    }
  }
}

const accounts: Array<Express.User & { password: string }> = [
  { id: 31, username: 'ivan', password: 'ivan-pw' },
  { id: 32, username: 'judy', password: 'judy-pw' },
];
const SECRET = 'typed secret';
const store = new session.MemoryStore();

passport.use(
  new LocalStrategy((username, password, done) => {
    const account = accounts.find((a) => a.username === username && a.password === password);
    done(null, account ? { id: account.id, username: account.username } : false);
  }),
);
passport.serializeUser((user: Express.User, done) => done(null, user.id));
passport.deserializeUser((id: number, done) => {
  const account = accounts.find((a) => a.id === id);
  done(null, account ? { id: account.id, username: account.username } : false);
});

const app = express();
app.use(express.urlencoded({ extended: false }));
app.use(session({ name: 'ts.sid', secret: SECRET, store, resave: false, saveUninitialized: false }));
app.use(passport.initialize());
app.use(passport.session());
app.post('/login', passport.authenticate('local', { successRedirect: '/', failureRedirect: '/' }));
app.post('/logout', (req, res, next) => {
  req.logout((err) => (err ? next(err) : res.redirect('/')));
});

const server = createServer(app);
const io = new Server(server);

const options: passportSocketIo.PassportSocketIoOptions = {
  key: 'ts.sid',
  secret: SECRET,
  store,
  success: (data: any, accept: (err?: any, accepted?: boolean) => void) => accept(null, true),
  fail: (data: any, message: string, critical: boolean, accept: (err?: any, accepted?: boolean) => void) => {
    if (critical) console.error(message);
    accept(new Error(message));
  },
};
io.use(passportSocketIo.authorize(options));

io.on('connection', (socket: Socket) => {
  const user = (socket.request as any).user;
  socket.emit('welcome', user.username);
  socket.on('whisper', (to: string, text: string) => {
    const targets: Socket[] = passportSocketIo.filterSocketsByUser(io, (user) => user.username === to);
    targets.forEach((target) => target.emit('whisper', { from: user.username, text }));
  });
});

server.listen(Number(process.env.PORT || 0), () => {
  const address = server.address();
  console.log('listening on port ' + (typeof address === 'object' && address ? address.port : address));
});
