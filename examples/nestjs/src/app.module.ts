import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AuthController, LocalStrategy, SessionSerializer } from './auth.js';
import { ChatGateway } from './chat.gateway.js';
import { NewsGateway } from './news.gateway.js';

@Module({
  imports: [PassportModule.register({ session: true })],
  controllers: [AuthController],
  providers: [LocalStrategy, SessionSerializer, ChatGateway, NewsGateway],
})
export class AppModule {}
