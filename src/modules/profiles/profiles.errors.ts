import { defineErrors, errorFactory } from '../../platform/domain-error.ts';

// What the profiles module refuses beyond a field's own rules.
export const profileErrors = defineErrors({
  field_not_editable: {
    kind: 'forbidden',
    title: 'The operator does not let users change this field themselves',
  },
});

export const profileError = errorFactory(profileErrors);
