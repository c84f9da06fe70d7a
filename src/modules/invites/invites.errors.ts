import { defineErrors, errorFactory } from '../../platform/domain-error.ts';

export const inviteErrors = defineErrors({
  invite_invalid: { kind: 'forbidden', title: 'The invite code is unknown or already used' },
  invite_required: { kind: 'forbidden', title: 'Sign-up needs an invite code' },
  invite_quota_reached: { kind: 'forbidden', title: 'No invite codes left to create' },
});

export const inviteError = errorFactory(inviteErrors);
