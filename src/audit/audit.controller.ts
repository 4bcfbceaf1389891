import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth.decorators.js';
import { AuditService } from './audit.service.js';
import { AuditEventDto, AuditQueryDto, AuditVerifyDto } from './dto/audit.dto.js';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('events')
  @Roles('admin', 'auditor')
  @ApiOkResponse({ type: [AuditEventDto], description: 'in sequence order; page with afterSeq' })
  events(@Query() query: AuditQueryDto) {
    return this.audit.search({ ...query, limit: query.limit ?? 100 });
  }

  @Get('verify')
  @Roles('admin', 'auditor')
  @ApiOkResponse({ type: AuditVerifyDto })
  verify() {
    return this.audit.verify();
  }
}
