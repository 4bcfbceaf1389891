import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { NetworksModule } from '../networks/networks.module.js';
import { MemberEntity } from './member.entity.js';
import { MembersController } from './members.controller.js';
import { MembersRepository } from './members.repository.js';
import { MembersService } from './members.service.js';
import { MembershipEntity } from './membership.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([MemberEntity, MembershipEntity]), AuditModule, NetworksModule],
  controllers: [MembersController],
  providers: [MembersRepository, MembersService],
  exports: [MembersService],
})
export class MembersModule {}
