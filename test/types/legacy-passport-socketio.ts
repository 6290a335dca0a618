// Written against the published @types/passport.socketio definitions, unchanged; test/types.test.ts
// compiles it with "passport.socketio" mapped to this package.
import { RequestHandler } from "express";
import * as express from "express";
import * as session from "express-session";
import * as passport from "passport";
import * as passportSocketIo from "passport.socketio";
import { Server, Socket } from "socket.io";
import cookieParser = require("cookie-parser");

const sessionStore = new session.MemoryStore();
const io = new Server();
const parser: RequestHandler = cookieParser();

const options: passportSocketIo.PassportSocketIoOptions = {
    key: "express.sid",
    secret: "session_secret",
    store: sessionStore,
    passport: passport,
    cookieParser: parser,
    success: (data: any, accept: (err?: any, accepted?: boolean) => void) => {
        accept(null, true);
    },
    fail: (data: any, message: string, critical: boolean, accept: (err?: any, accepted?: boolean) => void) => {
        if (critical) throw new Error(message);
        accept(null, false);
    },
};

io.use(passportSocketIo.authorize(options));
io.use(passportSocketIo.authorize({ store: sessionStore, secret: "s", cookieParser: cookieParser }));

const sockets: Socket[] = passportSocketIo.filterSocketsByUser(io, (user: any) => user.gender === "female");
sockets.forEach((socket) => socket.emit("message", "hi"));
const app = express();
app.use(parser);
