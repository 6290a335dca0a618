import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AuthController, LocalStrategy, SessionSerializer } from './auth.js';
import { ChatGateway } from './chat.gateway.js';

@Module({
  imports: [PassportModule.register({ session: true })],
  controllers: [AuthController],
  providers: [LocalStrategy, SessionSerializer, ChatGateway],
})
export class AppModule {}
