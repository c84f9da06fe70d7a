import { defineErrors, errorFactory } from '../../platform/domain-error.ts';

export const socialErrors = defineErrors({
  self_relation: { kind: 'invalid', title: 'That cannot be done to your own account' },
  blocked_by_you: { kind: 'forbidden', title: 'You block this user; unblock them first' },
  private_account: { kind: 'forbidden', title: 'This account is private' },
  request_not_found: { kind: 'not_found', title: 'No such follow request' },
});

export const socialError = errorFactory(socialErrors);
