import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { ApiTokensController } from './api-tokens.controller.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthRepository } from './auth.repository.js';
import { AuthService } from './auth.service.js';
import { LoginThrottle } from './login-throttle.js';
import { TotpService } from './totp.service.js';
import { StaffTotpSteps } from './totp-steps.js';
import { StaffSessionEntity } from './staff-session.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([StaffSessionEntity]), AccountsModule, AuditModule],
  controllers: [AuthController, ApiTokensController],
  providers: [AuthRepository, AuthService, LoginThrottle, TotpService, StaffTotpSteps, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, LoginThrottle, TotpService],
})
export class AuthModule {}
