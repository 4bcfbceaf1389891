import { Controller } from '@nestjs/common';
@Controller('api/v1/audit')
export class AuditController {}
