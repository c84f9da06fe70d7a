// The accounts module's entry: what other modules and faces may use of it.
export { accountError } from './accounts.errors.ts';
export { accountsRoutes } from './accounts.routes.ts';
export { Code, LinkToken, PrivateUser, toPrivateUser } from './accounts.schemas.ts';
export { type AccountsService, createAccountsService } from './accounts.service.ts';
export { createOperatorService } from './operator.service.ts';
export { usersRoutes } from './users.routes.ts';
