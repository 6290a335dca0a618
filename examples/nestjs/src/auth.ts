import { Controller, type ExecutionContext, Injectable, Post, UnauthorizedException, UseGuards } from '@nestjs/common';
import { AuthGuard, PassportSerializer, PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import { findById, findByLogin, type User } from './users.js';

@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy) {
  validate(username: string, password: string): User {
    const user = findByLogin(username, password);
    if (!user) throw new UnauthorizedException();
    return user;
  }
}

/** What Passport keeps in the session (the id) and how it finds the user again. */
@Injectable()
export class SessionSerializer extends PassportSerializer {
  serializeUser(user: User, done: (err: unknown, id?: number) => void): void {
    done(null, user.id);
  }
  deserializeUser(id: number, done: (err: unknown, user?: User | false) => void): void {
    done(null, findById(id) ?? false);
  }
}

/** Checks the password, then keeps the user in the session (Passport's req.logIn). */
@Injectable()
export class LoginGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const result = (await super.canActivate(context)) as boolean;
    await super.logIn(context.switchToHttp().getRequest());
    return result;
  }
}

@Controller()
export class AuthController {
  @UseGuards(LoginGuard)
  @Post('login')
  login(): { loggedIn: true } {
    return { loggedIn: true };
  }
}
