import type { AppConfig } from '../config/app-config.js';

/** Where pages find the organisation's logo; undefined when ORG_LOGO_PATH is not set. */
export const logoUrl = (config: AppConfig): string | undefined => (config.orgLogo ? `/assets/logo?v=${config.orgLogo.version}` : undefined);
