import { Initial1763800000000 } from './1763800000000-Initial.js';
import { ListsEditionsBundles1763900000000 } from './1763900000000-ListsEditionsBundles.js';
import { MemberPortal1764000000000 } from './1764000000000-MemberPortal.js';
import { AuditCheckpoints1764150000000 } from './1764150000000-AuditCheckpoints.js';
import { GdprRights1764200000000 } from './1764200000000-GdprRights.js';
import { PrivacyCopies1765200000000 } from './1765200000000-PrivacyCopies.js';
import { TokenExpiryStaffDisable1765400000000 } from './1765400000000-TokenExpiryStaffDisable.js';
import { SessionsAndTwoStep1765300000000 } from './1765300000000-SessionsAndTwoStep.js';
import { MailIntake1765500000000 } from './1765500000000-MailIntake.js';
import { RejectionNoticeDanishOrder1765800000000 } from './1765800000000-RejectionNoticeDanishOrder.js';

/** Every migration, in order. Listed explicitly so compiled and test runs load the same classes. */
export const migrations = [
  Initial1763800000000,
  ListsEditionsBundles1763900000000,
  MemberPortal1764000000000,
  AuditCheckpoints1764150000000,
  GdprRights1764200000000,
  PrivacyCopies1765200000000,
  SessionsAndTwoStep1765300000000,
  TokenExpiryStaffDisable1765400000000,
  MailIntake1765500000000,
  RejectionNoticeDanishOrder1765800000000,
];
