import { can } from '../../modules/authorization.ts';
export const up = can;
