// The accounts module's entry: what other modules and faces may use of it.
export { accountError } from './accounts.errors.ts';
export { createAccountsModule } from './accounts.module.ts';
export {
  type AccountsService,
  createAccountsService,
  VERIFY_CODE_MINUTES,
  type VerificationRequest,
} from './accounts.service.ts';
export { createAccount, type NewAccount } from './create-account.ts';
export { createOperatorService } from './operator.service.ts';
export type { StandingService, StandingView } from './standing.service.ts';
